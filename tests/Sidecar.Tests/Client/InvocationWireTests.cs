using System.Diagnostics;
using System.Text.Json;
using DaprPlatform.Sidecar.Tests.Infrastructure;

namespace DaprPlatform.Sidecar.Tests.Client;

public sealed class InvocationWireTests
{
    private sealed record Greeting(string Name, int Times);

    private sealed record Reply(string Text);

    [Fact]
    public async Task Invoke_uses_the_invoke_route_forwards_query_and_sends_token_and_traceparent()
    {
        // Service invocation: /v1.0/invoke/{appId}/method/{method}; query forwarded; dapr-api-token on app→sidecar calls.
        await using var sidecar = await FakeSidecar.StartAsync(200, """{"text":"hi"}""");
        var client = sidecar.CreateClient();
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        var reply = await client.InvokeMethodAsync<Greeting, Reply>(HttpMethod.Put, "identity", "api/users/42?expand=roles", new Greeting("Ada", 2));

        reply.Text.Should().Be("hi");
        var request = sidecar.Single;
        request.Method.Should().Be("PUT");
        request.Path.Should().Be("/v1.0/invoke/identity/method/api/users/42");
        request.Query.Should().Be("?expand=roles");
        request.Header("dapr-api-token").Should().Be("sidecar-token");
        request.Header("content-type").Should().Be("application/json");
        JsonDocument.Parse(request.Body).RootElement.GetProperty("name").GetString().Should().Be("Ada");
        request.Header("traceparent").Should().StartWith($"00-{activity.TraceId}-").And.NotContain(",", "exactly one traceparent value");
    }

    [Fact]
    public async Task A_call_without_an_ambient_activity_still_carries_a_W3C_traceparent()
    {
        await using var sidecar = await FakeSidecar.StartAsync(200, "[1,2]");
        var client = sidecar.CreateClient(apiToken: null);
        Activity.Current = null;

        var numbers = await client.InvokeMethodAsync<int[]>(HttpMethod.Get, "identity", "/numbers");

        numbers.Should().Equal(1, 2);
        sidecar.Single.Header("traceparent").Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$");
        sidecar.Single.Header("dapr-api-token").Should().BeNull("no DAPR_API_TOKEN configured");
    }

    [Fact]
    public async Task Non_2xx_from_the_invoked_app_surfaces_as_InvocationException_with_status_and_body()
    {
        // Service invocation: the app's status and body come back verbatim.
        const string problem = """{"title":"Conflict","status":409}""";
        await using var sidecar = await FakeSidecar.StartAsync(409, problem);
        var client = sidecar.CreateClient();

        var call = () => client.InvokeMethodAsync<Greeting>(HttpMethod.Post, "identity", "api/auth/register", new Greeting("x", 1));

        var error = (await call.Should().ThrowAsync<InvocationException>()).Which;
        error.StatusCode.Should().Be(409);
        error.ResponseBody.Should().Be(problem);
        error.AppId.Should().Be("identity");
        error.MethodPath.Should().Be("api/auth/register");
    }

    [Fact]
    public async Task Unknown_app_error_from_the_sidecar_keeps_the_Dapr_error_code()
    {
        // Service invocation: no app id → 404 ERR_DIRECT_INVOKE.
        await using var sidecar = await FakeSidecar.StartAsync(404, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed getting app id"}""");
        var client = sidecar.CreateClient();

        var call = () => client.InvokeMethodAsync<Reply>(HttpMethod.Get, "nobody", "x");

        var error = (await call.Should().ThrowAsync<InvocationException>()).Which;
        error.StatusCode.Should().Be(404);
        error.ErrorCode.Should().Be("ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task InvokeMethodWithResponseAsync_never_throws_on_non_2xx_and_keeps_caller_headers()
    {
        await using var sidecar = await FakeSidecar.StartAsync(503, """{"oops":true}""");
        var client = sidecar.CreateClient();
        using var request = client.CreateInvokeMethodRequest(HttpMethod.Delete, "notifications", "api/notifications/7");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer abc");

        using var response = await client.InvokeMethodWithResponseAsync(request, HttpCompletionOption.ResponseHeadersRead);

        ((int)response.StatusCode).Should().Be(503);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"oops":true}""");
        sidecar.Single.Header("authorization").Should().Be("Bearer abc");
        sidecar.Single.Path.Should().Be("/v1.0/invoke/notifications/method/api/notifications/7");
        sidecar.Single.Header("traceparent").Should().NotBeNullOrEmpty();
    }
}
