using DaprPlatform.DevHost.Tests.Actors;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// daprd routes on the cleaned request path (pkg/api/http/server.go getRouter: CleanPathMiddleware, StripSlashesMiddleware;
/// Go's path.Clean): doubled slashes collapse, a trailing slash goes, on every route. Dapr.Actors and Dapr.Client with their
/// default endpoint "http://localhost:3500/" send "//v1.0/...".
/// </summary>
[Collection("sidecar")]
public sealed class CleanPathTests(SidecarFixture f)
{
    /// <summary>The sidecar's address followed by <paramref name="path"/> as written (a relative "//x" would name host x).</summary>
    internal static Uri Raw(HttpClient sidecar, string path)
    {
        var uri = new Uri(sidecar.BaseAddress!.GetLeftPart(UriPartial.Authority) + path);
        uri.AbsolutePath.Should().StartWith(path.Split('?')[0], "the request must go out with its slashes as written");
        return uri;
    }

    [Fact]
    public async Task State_requests_with_a_doubled_leading_slash_reach_the_state_API()
    {
        var key = "k-" + Guid.NewGuid().ToString("N")[..8];
        using var save = await f.CallerSidecar.PostAsync(Raw(f.CallerSidecar, "//v1.0/state/statestore"), SidecarFixture.Json($$$"""[{"key":"{{{key}}}","value":{"n":1}}]"""));
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var get = await f.CallerSidecar.GetAsync(Raw(f.CallerSidecar, $"//v1.0//state/statestore/{key}/"));
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("n").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task Invocation_with_doubled_slashes_reaches_the_app_at_the_cleaned_method_path()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var invoke = await f.CallerSidecar.GetAsync(Raw(f.CallerSidecar, $"//v1.0/invoke/target/method//clean//{marker}/?q=1"));
        invoke.StatusCode.Should().Be(HttpStatusCode.OK);

        // daprd's findTargetIDAndMethod: method = path.Clean(rest), so doubled and trailing slashes are gone upstream too.
        var call = f.Target.To($"/clean/{marker}").Should().ContainSingle().Subject;
        call.Query.Should().Be("?q=1");

        using var byHeader = new HttpRequestMessage(HttpMethod.Get, Raw(f.CallerSidecar, $"//header//{marker}/"));
        byHeader.Headers.Add("dapr-app-id", "target");
        (await f.CallerSidecar.SendAsync(byHeader)).StatusCode.Should().Be(HttpStatusCode.OK);
        f.Target.To($"/header/{marker}").Should().ContainSingle();
    }

    [Fact]
    public async Task Publish_and_metadata_with_a_doubled_leading_slash_are_served()
    {
        (await f.CallerSidecar.PostAsync(Raw(f.CallerSidecar, "//v1.0/publish/pubsub/orders"), SidecarFixture.Json("""{"clean":true}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await f.CallerSidecar.GetAsync(Raw(f.CallerSidecar, "//v1.0/metadata"))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_api_token_check_sees_the_cleaned_path_so_a_doubled_slash_health_check_stays_open()
    {
        // The secured sidecar has DAPR_API_TOKEN: health is exempt, everything else needs the token, whatever the slashes.
        (await f.SecuredSidecar.GetAsync(Raw(f.SecuredSidecar, "//v1.0/healthz/outbound"))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await f.SecuredSidecar.GetAsync(Raw(f.SecuredSidecar, "//v1.0/metadata"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_path_without_an_app_id_still_gets_daprd_s_error_after_cleaning()
    {
        using var response = await f.CallerSidecar.GetAsync(Raw(f.CallerSidecar, "//no//such//route"));
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }
}

/// <summary>The actors API behind "//v1.0/actors/...", as Dapr.Actors' proxy and actor runtime call it with the default endpoint.</summary>
public sealed class ActorCleanPathTests(ActorFixture fixture) : IClassFixture<ActorFixture>
{
    private ActorHarness H => fixture.Harness;

    [Fact]
    public async Task Actor_invocation_and_state_with_a_doubled_leading_slash_reach_the_actors_API()
    {
        using var invoke = await H.CallerSidecar.PutAsync(CleanPathTests.Raw(H.CallerSidecar, "//v1.0/actors/Counter/clean-1/method/add"), ActorHarness.Json("""{"n":1}"""));
        invoke.StatusCode.Should().Be(HttpStatusCode.OK, await invoke.Content.ReadAsStringAsync());
        H.Host.To("/actors/Counter/clean-1/method/add").Should().ContainSingle();

        using var save = await H.HostSidecar.PutAsync(CleanPathTests.Raw(H.HostSidecar, "//v1.0/actors/Counter/clean-1/state"), ActorHarness.Json("""[{"operation":"upsert","request":{"key":"total","value":7}}]"""));
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var get = await H.HostSidecar.GetAsync(CleanPathTests.Raw(H.HostSidecar, "//v1.0/actors/Counter/clean-1/state/total"));
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        (await get.Content.ReadAsStringAsync()).Should().Be("7");
    }
}
