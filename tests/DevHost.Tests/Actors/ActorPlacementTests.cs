using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>Placement on one machine: GET /dapr/config decides which app hosts a type; apps started later are picked up on refresh.</summary>
public sealed class ActorPlacementTests : IAsyncLifetime
{
    private ActorHarness _h = null!;

    public async Task InitializeAsync() => _h = await ActorHarness.StartAsync("""{"entities":["Shared","HostOnly"]}""");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_refresh_reads_dapr_config_again_and_a_type_listed_by_two_apps_goes_to_one_of_them_with_a_warning()
    {
        // "caller" answered 404 on GET /dapr/config at start: it hosts no actors.
        (await _h.CallerSidecar.PostAsync("/v1.0/actors/Late/1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.InternalServerError);

        _h.Caller.Config = """{"entities":["Late","Shared"]}""";
        await _h.Platform!.RefreshSubscriptionsAsync("caller");

        // The newly listed type is routed to "caller".
        (await _h.HostSidecar.PostAsync("/v1.0/actors/Late/1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        _h.Caller.To("/actors/Late/1/method/x").Should().ContainSingle();

        // A type listed by two apps is placed on one of them (first app id in ordinal order: "caller"), and DevHost warns.
        (await _h.HostSidecar.PostAsync("/v1.0/actors/Shared/1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        _h.Caller.To("/actors/Shared/1/method/x").Should().ContainSingle();
        _h.Host.To("/actors/Shared/1/method/x").Should().BeEmpty();
        _h.Output.Should().Contain("actors: warning: Shared is listed by both caller and host");

        // Types only "host" lists stay with it.
        (await _h.CallerSidecar.PostAsync("/v1.0/actors/HostOnly/1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        _h.Host.To("/actors/HostOnly/1/method/x").Should().ContainSingle();
    }
}
