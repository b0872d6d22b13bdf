using System.Net.Http.Headers;

namespace DaprPlatform.DevHost.Tests;

[Collection("sidecar")]
public sealed class InvocationTests(SidecarFixture f)
{
    [Fact]
    public async Task Url_form_forwards_verb_path_query_and_body_and_returns_the_app_response_verbatim()
    {
        f.Target.Handlers["/api/v1/items/7"] = _ => (201, "{\"ok\":true}", "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1.0/invoke/target/method/api/v1/items/7?a=1&B=2") { Content = SidecarFixture.Json("{\"x\":1}") };
        request.Headers.Add("X-Custom", "kept");
        using var response = await f.CallerSidecar.SendAsync(request);

        // Dapr rule: the app's status, headers and body are returned verbatim; nested method path and query are forwarded.
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"ok\":true}");
        var seen = f.Target.To("/api/v1/items/7").Last();
        seen.Method.Should().Be("PUT");
        seen.Query.Should().Be("?a=1&B=2");
        seen.BodyText.Should().Be("{\"x\":1}");
        seen.Headers["x-custom"].Should().Be("kept");
        seen.Headers["content-type"].Should().StartWith("application/json");
    }

    [Fact]
    public async Task Caller_and_callee_headers_are_stamped_and_client_sent_copies_stripped()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/invoke/target/method/stamp");
        request.Headers.Add("dapr-caller-app-id", "spoofed");
        request.Headers.Add("dapr-callee-app-id", "spoofed");
        request.Headers.Add("dapr-caller-namespace", "spoofed");
        using var response = await f.CallerSidecar.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var seen = f.Target.To("/stamp").Last();

        // Dapr rule: dapr-caller-app-id / dapr-callee-app-id / dapr-caller-namespace are stamped by the sidecar, client copies stripped.
        seen.Headers["dapr-caller-app-id"].Should().Be("caller");
        seen.Headers["dapr-callee-app-id"].Should().Be("target");
        seen.Headers["dapr-caller-namespace"].Should().Be("default");

        // Dapr rule: traceparent is created when absent; X-Forwarded-* and Forwarded are added.
        seen.Headers["traceparent"].Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$");
        seen.Headers.Should().ContainKey("x-forwarded-for");
        seen.Headers.Should().ContainKey("forwarded");
    }

    [Fact]
    public async Task App_api_token_of_the_callee_is_sent_and_the_callers_sidecar_token_is_not()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/invoke/target/method/token");
        response.StatusCode.Should().Be(HttpStatusCode.OK);

        // Dapr rule: sidecar → app calls carry dapr-api-token = APP_API_TOKEN of the target app.
        f.Target.To("/token").Last().Headers["dapr-api-token"].Should().Be(SidecarFixture.AppToken);

        using var toCaller = await f.TargetSidecar.GetAsync("/v1.0/invoke/caller/method/token");
        f.Caller.To("/token").Last().Headers.Should().NotContainKey("dapr-api-token", "the caller app has no APP_API_TOKEN");
    }

    [Fact]
    public async Task Header_form_on_a_non_Dapr_route_invokes_the_app_named_in_dapr_app_id()
    {
        f.Target.Handlers["/api/orders"] = r => (200, "created:" + r.BodyText, "text/plain");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders?q=1") { Content = new StringContent("hello") };
        request.Headers.Add("dapr-app-id", "target");
        using var response = await f.CallerSidecar.SendAsync(request);

        // Dapr rule: the invoke handler is the fallback route; dapr-app-id selects the target and is stripped.
        (await response.Content.ReadAsStringAsync()).Should().Be("created:hello");
        var seen = f.Target.To("/api/orders").Last();
        seen.Query.Should().Be("?q=1");
        seen.Headers.Should().NotContainKey("dapr-app-id");
        seen.Headers["dapr-caller-app-id"].Should().Be("caller");
    }

    [Fact]
    public async Task Basic_auth_with_user_dapr_app_id_selects_the_target()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/basic");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("dapr-app-id:target")));
        using var response = await f.CallerSidecar.SendAsync(request);

        // Dapr rule: basic auth user dapr-app-id, password = app id.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        f.Target.To("/basic").Last().Headers.Should().NotContainKey("authorization");
    }

    [Fact]
    public async Task No_app_id_on_a_non_Dapr_route_is_404_ERR_DIRECT_INVOKE()
    {
        using var response = await f.CallerSidecar.GetAsync("/api/nothing");

        // Dapr rule: no app id in path or header → 404 ERR_DIRECT_INVOKE.
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task Unknown_app_id_is_500_ERR_DIRECT_INVOKE()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/invoke/nobody/method/x");

        // Dapr rule: an app id that cannot be resolved is a transport failure → 500 ERR_DIRECT_INVOKE.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task Unreachable_app_is_500_ERR_DIRECT_INVOKE()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/invoke/secured/method/x");

        // Dapr rule: network error reaching the app → 500 with Dapr's error body.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }
}
