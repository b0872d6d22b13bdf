using System.Net;
using System.Text.Json.Nodes;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Gateway.Tests;

/// <summary>
/// The gateway's Swagger UI: one definition per app that owns a public route, each the app's document fetched through the
/// sidecar and cut to what the gateway serves. The fake sidecar stands in for the apps as in the forwarding tests.
/// </summary>
public sealed class PublicApiDocumentTests : IClassFixture<GatewayFixture>
{
    private static readonly string[] Apps = ["analytics", "booking", "channels", "identity", "notifications", "payments", "tutoring", "workflows"];

    private readonly GatewayFixture _fx;

    public PublicApiDocumentTests(GatewayFixture fx)
    {
        _fx = fx;
        _fx.Reset();
        _fx.Sidecar.Handler = ServeDocumentsAsync;
    }

    [Fact]
    public async Task The_ui_offers_one_definition_per_app_from_the_gateway()
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var page = await client.GetAsync("/swagger/index.html");
        var config = await client.GetStringAsync("/swagger/index.js");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var app in Apps)
        {
            config.Should().Contain($"\"services/{app}.json\"").And.Contain($"\"name\":\"{app}\"");
        }

        _fx.Sidecar.Received.Should().BeEmpty("the page lists the definitions; each is fetched when it is shown");
    }

    [Fact]
    public async Task An_apps_definition_keeps_only_its_public_paths_and_requires_the_bearer_scheme()
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var response = await client.GetAsync("/swagger/services/identity.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        document["paths"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("/api/auth/login", "/api/users/{id}", "/api/Users/me");
        document.Should().NotContainKey("servers", "the UI calls the gateway that served the document");
        document["info"]!["title"]!.GetValue<string>().Should().Contain("identity");
        var bearer = document["components"]!["securitySchemes"]!["bearer"]!;
        bearer["type"]!.GetValue<string>().Should().Be("http");
        bearer["scheme"]!.GetValue<string>().Should().Be("bearer");
        document["security"]!.AsArray().Should().ContainSingle().Which!.AsObject().Should().ContainKey("bearer");
        document["components"]!["schemas"]!.AsObject().Should().ContainKey("Login", "the app's schemas stay");
        _fx.Sidecar.Received.Should().ContainSingle().Which.Path.Should().Be("/v1.0/invoke/identity/method/swagger/v1/swagger.json");
    }

    [Fact]
    public async Task A_definition_is_fetched_once_and_then_served_from_memory_for_a_while()
    {
        using var client = _fx.Gateway.CreatePlainClient();

        var first = await client.GetStringAsync("/swagger/services/tutoring.json");
        var second = await client.GetStringAsync("/swagger/services/tutoring.json");

        second.Should().Be(first);
        _fx.Sidecar.InvocationsOf("tutoring", "GET", "swagger/v1/swagger.json").Should().HaveCount(1);
    }

    [Fact]
    public async Task An_app_the_sidecar_cannot_reach_gives_a_problem_for_its_definition_only()
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var down = await client.GetAsync("/swagger/services/payments.json");
        using var up = await client.GetAsync("/swagger/services/booking.json");

        down.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var problem = await down.ReadProblemAsync();
        problem.GetProperty("detail").GetString().Should().Contain("payments");
        up.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_app_is_404_problem_and_never_reaches_the_sidecar()
    {
        using var client = _fx.Gateway.CreatePlainClient();

        using var response = await client.GetAsync("/swagger/services/nobody.json");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
        _fx.Sidecar.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task The_gateways_sidecar_down_is_a_502_problem()
    {
        await using var gateway = new GatewayFactory(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"));
        using var client = gateway.CreatePlainClient();

        using var response = await client.GetAsync("/swagger/services/identity.json");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await response.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("identity");
    }

    /// <summary>Each app's document as Swashbuckle serves it; payments cannot be reached (daprd's error body).</summary>
    private static async Task ServeDocumentsAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        const string Prefix = "/v1.0/invoke/";
        var appId = path[Prefix.Length..path.IndexOf("/method/", StringComparison.Ordinal)];
        context.Response.ContentType = "application/json";
        if (appId == "payments")
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("{\"errorCode\":\"ERR_DIRECT_INVOKE\",\"message\":\"fail to invoke, id: payments\"}");
            return;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.4",
            ["info"] = new JsonObject { ["title"] = $"DaprPlatform {appId}", ["version"] = "v1" },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "http://127.0.0.1:5001" }),
            ["paths"] = appId == "identity"
                ? new JsonObject
                {
                    ["/api/auth/login"] = Operation("post"),
                    ["/api/users/{id}"] = Operation("get"),
                    ["/api/Users/me"] = Operation("get"),
                    ["/api/authors"] = Operation("get"),
                    ["/internal/users/{id}/roles"] = Operation("post"),
                    ["/events/user-registered"] = Operation("post"),
                    ["/api/notifications"] = Operation("get"),
                }
                : new JsonObject { [$"/api/{appId}"] = Operation("get") },
            ["components"] = new JsonObject { ["schemas"] = new JsonObject { ["Login"] = new JsonObject { ["type"] = "object" } } },
        };
        await context.Response.WriteAsync(document.ToJsonString());
    }

    private static JsonObject Operation(string method) =>
        new() { [method] = new JsonObject { ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } } } };
}
