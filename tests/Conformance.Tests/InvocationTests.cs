using System.Net.Http.Json;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// Service invocation the way the SDK does it over HTTP (CreateInvokeMethodRequest + InvokeMethodAsync /
/// InvokeMethodWithResponseAsync, CreateInvokeHttpClient) from sdk-app's sidecar to "target", which echoes what it got.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class InvocationTests(ConformanceFixture fixture)
{
    private const string Target = ConformanceFixture.TargetAppId;
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task A_POST_reaches_the_target_with_its_path_query_headers_body_and_the_callers_app_id()
    {
        // daprd forwards method, path, query, headers and body and stamps dapr-caller-app-id (pkg/api/http/directmessaging.go).
        var marker = Marker.New("invoke");
        using var request = Client.CreateInvokeMethodRequest(HttpMethod.Post, Target, "echo/orders/7",
            [KeyValuePair.Create("x", "1"), KeyValuePair.Create("y", "two words")], new Widget(marker, 7));
        request.Headers.Add("x-conformance", marker);

        var echo = await Client.InvokeAsync<Echo>(request);

        echo.Method.Should().Be("POST");
        echo.Path.Should().Be("/echo/orders/7");
        echo.Query.Should().Be("?x=1&y=two%20words");
        echo.ContentType.Should().StartWith("application/json");
        JsonSerializer.Deserialize<Widget>(echo.Body, JsonSerializerOptions.Web).Should().Be(new Widget(marker, 7));
        echo.CallerAppId.Should().Be(ConformanceFixture.SdkAppId);
        echo.ConformanceHeader.Should().Be(marker);
    }

    [Fact]
    public async Task A_GET_without_a_body_reaches_the_target()
    {
        using var request = Client.CreateInvokeMethodRequest(HttpMethod.Get, Target, "echo/plain");

        var echo = await Client.InvokeAsync<Echo>(request);

        echo.Method.Should().Be("GET");
        echo.Path.Should().Be("/echo/plain");
        echo.Body.Should().BeEmpty();
    }

    [Theory]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(500)]
    public async Task A_non_2xx_answer_surfaces_as_InvocationException_carrying_the_apps_status_and_body(int status)
    {
        // For an HTTP app daprd passes the app's status and body through unchanged; the SDK throws InvocationException
        // with that response.
        using var request = Client.CreateInvokeMethodRequest(HttpMethod.Get, Target, $"status/{status}");

        var failure = await FluentActions.Awaiting(() => Client.InvokeAsync<Echo>(request)).Should().ThrowAsync<InvocationException>();

        failure.Which.AppId.Should().Be(Target);
        failure.Which.Response.Should().NotBeNull();
        ((int)failure.Which.Response!.StatusCode).Should().Be(status);
        (await failure.Which.Response.Content.ReadAsStringAsync()).Should().Be($"status {status} from target");
    }

    [Fact]
    public async Task InvokeMethodWithResponse_hands_back_a_non_2xx_answer_without_throwing()
    {
        using var request = Client.CreateInvokeMethodRequest(HttpMethod.Put, Target, "status/422");

        using var response = await Client.InvokeWithResponseAsync(request);

        ((int)response.StatusCode).Should().Be(422);
        (await response.Content.ReadAsStringAsync()).Should().Be("status 422 from target");
    }

    [Fact]
    public async Task CreateInvokeHttpClient_routes_by_app_id_and_keeps_the_query_string()
    {
        using var http = DaprClient.CreateInvokeHttpClient(Target, fixture.SdkSidecarHttpEndpoint);

        var echo = await http.GetFromJsonAsync<Echo>("/echo/by-client?page=2&sort=name%20desc");

        echo!.Path.Should().Be("/echo/by-client");
        echo.Query.Should().Be("?page=2&sort=name%20desc");
        echo.CallerAppId.Should().Be(ConformanceFixture.SdkAppId);
    }

    [Fact]
    public async Task Invoking_an_app_id_nobody_serves_is_ERR_DIRECT_INVOKE_500()
    {
        // Name resolution fails → ErrDirectInvoke: HTTP 500 with errorCode ERR_DIRECT_INVOKE (pkg/messages/predefined.go).
        using var request = Client.CreateInvokeMethodRequest(HttpMethod.Get, "no-such-app", "echo/x");

        using var response = await Client.InvokeWithResponseAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task An_apps_invoke_HttpClient_finds_its_sidecar_through_DAPR_HTTP_PORT()
    {
        var response = await fixture.SdkAppHttp.PostAsync($"/test/client/invoke/{Target}/echo/from-app", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var echo = (await response.Content.ReadFromJsonAsync<Echo>(JsonSerializerOptions.Web))!;
        echo.Path.Should().Be("/echo/from-app");
        echo.CallerAppId.Should().Be(ConformanceFixture.SdkAppId);
    }
}

/// <summary>What target's /echo answers.</summary>
public sealed record Echo(string Method, string Path, string? Query, string? ContentType, string Body, string CallerAppId, bool HasApiToken, string ConformanceHeader);
