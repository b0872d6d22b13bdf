using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>Reminders are durable (they survive a DevHost restart), timers are not, and shutdown deactivates every actor.</summary>
public sealed class ActorRestartTests : IAsyncLifetime
{
    private ActorHarness _h = null!;

    public async Task InitializeAsync() => _h = await ActorHarness.StartAsync("""{"entities":["Counter"],"actorScanInterval":"200ms"}""");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_reminder_survives_a_restart_and_fires_after_it_while_a_timer_does_not_and_shutdown_deactivates_actors()
    {
        _h.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);
        (await _h.CallerSidecar.PostAsync("/v1.0/actors/Counter/keep-1/method/wake", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // A reminder due in 2 s and a periodic timer, then DevHost stops before the reminder is due.
        (await _h.HostSidecar.PostAsync("/v1.0/actors/Counter/keep-1/reminders/durable", ActorHarness.Json("""{"dueTime":"2s","data":"kept"}""")))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _h.HostSidecar.PostAsync("/v1.0/actors/Counter/keep-1/timers/volatile", ActorHarness.Json("""{"dueTime":"300ms","period":"300ms","callback":"tick"}""")))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _h.Host.WaitForAsync(c => c.Path == "/actors/Counter/keep-1/method/timer/volatile")).Should().NotBeEmpty();
        await _h.StopHostAsync();
        var stoppedAt = TimeProvider.System.GetUtcNow();

        // Shutdown deactivates every active actor: DELETE /actors/{type}/{id}.
        _h.Host.To("/actors/Counter/keep-1").Should().ContainSingle(c => c.Method == "DELETE");
        _h.Host.To("/actors/Counter/keep-1/method/remind/durable").Should().BeEmpty();

        // The reminder's due time passes while DevHost is down; a missed due time fires right after the next start.
        await Task.Delay(2500);
        await _h.StartHostAsync();
        var fired = await _h.Host.WaitForAsync(c => c.Path == "/actors/Counter/keep-1/method/remind/durable");
        fired.Should().ContainSingle().Which.Json.GetProperty("data").GetString().Should().Be("kept");

        // Timers are in memory: none fires after the restart.
        await Task.Delay(1000);
        _h.Host.To("/actors/Counter/keep-1/method/timer/volatile").Should().OnlyContain(c => c.Started < stoppedAt);
    }
}
