using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>Reminders, timers and idle deactivation (reference/api/actors_api; actors-timers-reminders; actors-runtime-config).</summary>
public sealed class ActorReminderTimerTests(ActorFixture fixture) : IClassFixture<ActorFixture>
{
    private ActorHarness H => fixture.Harness;

    [Fact]
    public async Task A_reminder_fires_through_the_remind_callback_and_a_one_shot_reminder_is_then_gone()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);

        // Create reminder → 204; get → 200 {actorID, actorType, data, dueTime, period, ttl}.
        using var create = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-1/reminders/once", ActorHarness.Json("""{"dueTime":"1s","data":{"flush":true}}"""));
        create.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var get = await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-1/reminders/once");
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        var reminder = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        reminder.GetProperty("actorID").GetString().Should().Be("rem-1");
        reminder.GetProperty("actorType").GetString().Should().Be("Counter");
        reminder.GetProperty("dueTime").GetString().Should().Be("1s");
        reminder.GetProperty("data").GetProperty("flush").GetBoolean().Should().BeTrue();

        // Reminder callback: PUT /actors/{type}/{id}/method/remind/{name} with {data, dueTime, period}.
        var fired = await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/rem-1/method/remind/once");
        var call = fired.Should().ContainSingle().Subject;
        call.Method.Should().Be("PUT");
        call.Json.GetProperty("data").GetProperty("flush").GetBoolean().Should().BeTrue();
        call.Json.GetProperty("dueTime").GetString().Should().Be("1s");
        call.Header("dapr-api-token").Should().Be(ActorHarness.AppToken);
        call.Header("dapr-caller-app-id").Should().BeNull("reminder callbacks carry no caller app id");

        // An empty period means the reminder fires once: afterwards get → 404 ERR_ACTOR_REMINDER_NOT_FOUND.
        var until = TimeProvider.System.GetUtcNow().AddSeconds(5);
        HttpResponseMessage after;
        do
        {
            await Task.Delay(100);
            after = await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-1/reminders/once");
        }
        while (after.StatusCode == HttpStatusCode.OK && TimeProvider.System.GetUtcNow() < until);
        after.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ActorHarness.ErrorOf(after)).Code.Should().Be("ERR_ACTOR_REMINDER_NOT_FOUND");
    }

    [Fact]
    public async Task Reminder_errors_non_hosted_type_existing_name_and_bad_period()
    {
        // A sidecar whose app does not host the type: 403 ERR_ACTOR_REMINDER_NON_HOSTED.
        using var nonHosted = await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/rem-2/reminders/r", ActorHarness.Json("""{"dueTime":"1h"}"""));
        nonHosted.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ActorHarness.ErrorOf(nonHosted)).Code.Should().Be("ERR_ACTOR_REMINDER_NON_HOSTED");

        // overwrite: false on an existing reminder → 409 ERR_ACTOR_REMINDER_ALREADY_EXISTS.
        (await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-2/reminders/r", ActorHarness.Json("""{"dueTime":"1h"}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var exists = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-2/reminders/r", ActorHarness.Json("""{"dueTime":"1h","overwrite":false}"""));
        exists.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ActorHarness.ErrorOf(exists)).Code.Should().Be("ERR_ACTOR_REMINDER_ALREADY_EXISTS");

        // Delete reminder → 204, then get → 404.
        (await H.HostSidecar.DeleteAsync("/v1.0/actors/Counter/rem-2/reminders/r")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-2/reminders/r")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // A period that is neither a Go duration nor ISO 8601 → ERR_ACTOR_REMINDER_CREATE.
        using var bad = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-2/reminders/bad", ActorHarness.Json("""{"dueTime":"1s","period":"every day"}"""));
        bad.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(bad)).Code.Should().Be("ERR_ACTOR_REMINDER_CREATE");
    }

    [Fact]
    public async Task An_ISO_8601_period_with_repetitions_fires_exactly_that_many_times()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);

        // period "R3/PT0.3S": three fires, 300 ms apart, then the reminder ends.
        (await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-3/reminders/thrice", ActorHarness.Json("""{"dueTime":"0s","period":"R3/PT0.3S"}""")))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/rem-3/method/remind/thrice", 3)).Should().HaveCount(3);
        await Task.Delay(1000);
        H.Host.To("/actors/Counter/rem-3/method/remind/thrice").Should().HaveCount(3);
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-3/reminders/thrice")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_RFC3339_due_time_and_a_ttl_bound_a_periodic_reminder()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);
        var due = TimeProvider.System.GetUtcNow().AddMilliseconds(700);

        // dueTime as RFC 3339, period as ISO 8601, ttl as a Go duration: fires from the due time until the ttl ends.
        var body = $$"""{"dueTime":"{{due.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","period":"PT0.25S","ttl":"2s"}""";
        (await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-5/reminders/bounded", ActorHarness.Json(body))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var first = await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/rem-5/method/remind/bounded");
        first.Should().NotBeEmpty();
        first[0].Started.Should().BeOnOrAfter(due.AddMilliseconds(-50));

        await Task.Delay(2500);
        var fires = H.Host.To("/actors/Counter/rem-5/method/remind/bounded");
        fires.Count.Should().BeInRange(2, 7);
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-5/reminders/bounded")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await Task.Delay(600);
        H.Host.To("/actors/Counter/rem-5/method/remind/bounded").Should().HaveCount(fires.Count);
    }

    [Fact]
    public async Task X_DaprReminderCancel_on_a_reminder_reply_cancels_the_reminder()
    {
        H.Host.Handler = call => Task.FromResult(call.Path.Contains("/remind/", StringComparison.Ordinal)
            ? new ActorAppReply(200, null, new Dictionary<string, string> { ["X-DaprReminderCancel"] = "true" })
            : ActorAppReply.Ok);

        // A periodic reminder whose first callback answers X-DaprReminderCancel: true fires once and is removed.
        (await H.HostSidecar.PostAsync("/v1.0/actors/Counter/rem-4/reminders/stop", ActorHarness.Json("""{"dueTime":"0s","period":"200ms"}""")))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/rem-4/method/remind/stop")).Should().NotBeEmpty();
        await Task.Delay(1000);
        H.Host.To("/actors/Counter/rem-4/method/remind/stop").Should().ContainSingle();
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/rem-4/reminders/stop")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_timer_on_an_active_actor_fires_its_callback_until_deleted()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);

        // Timers need an active actor (daprd: "actor not activated") → 500 ERR_ACTOR_TIMER_CREATE.
        using var inactive = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/tim-1/timers/tick", ActorHarness.Json("""{"dueTime":"0s","period":"200ms","callback":"onTick"}"""));
        inactive.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(inactive)).Code.Should().Be("ERR_ACTOR_TIMER_CREATE");

        (await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/tim-1/method/wake", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        using var create = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/tim-1/timers/tick", ActorHarness.Json("""{"dueTime":"0s","period":"200ms","callback":"onTick","data":7}"""));
        create.StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Timer callback: PUT /actors/{type}/{id}/method/timer/{name} with {callback, data, dueTime, period}.
        var ticks = await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/tim-1/method/timer/tick", 2);
        ticks.Should().HaveCountGreaterThanOrEqualTo(2);
        ticks[0].Method.Should().Be("PUT");
        ticks[0].Json.GetProperty("callback").GetString().Should().Be("onTick");
        ticks[0].Json.GetProperty("data").GetInt32().Should().Be(7);
        ticks[0].Json.GetProperty("period").GetString().Should().Be("200ms");

        // X-DaprReminderCancel: true on a timer reply cancels the timer too.
        H.Host.Handler = call => Task.FromResult(call.Path.EndsWith("/timer/once", StringComparison.Ordinal)
            ? new ActorAppReply(200, null, new Dictionary<string, string> { ["X-DaprReminderCancel"] = "true" })
            : ActorAppReply.Ok);
        (await H.HostSidecar.PostAsync("/v1.0/actors/Counter/tim-1/timers/once", ActorHarness.Json("""{"dueTime":"0s","period":"100ms","callback":"c"}""")))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await H.Host.WaitForAsync(c => c.Path == "/actors/Counter/tim-1/method/timer/once")).Should().NotBeEmpty();

        // Delete timer → 204, and no further ticks.
        (await H.HostSidecar.DeleteAsync("/v1.0/actors/Counter/tim-1/timers/tick")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await Task.Delay(300);
        var count = H.Host.To("/actors/Counter/tim-1/method/timer/tick").Count;
        await Task.Delay(700);
        H.Host.To("/actors/Counter/tim-1/method/timer/tick").Should().HaveCount(count);
        H.Host.To("/actors/Counter/tim-1/method/timer/once").Should().ContainSingle();
    }

    [Fact]
    public async Task An_idle_actor_is_deactivated_with_DELETE_after_actorIdleTimeout()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);
        (await H.CallerSidecar.PostAsync("/v1.0/actors/Idle/idle-1/method/touch", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        var touched = TimeProvider.System.GetUtcNow();

        // Idle type: actorIdleTimeout 1s, actorScanInterval 200ms → DELETE /actors/Idle/idle-1 about a second later.
        var deactivation = await H.Host.WaitForAsync(c => c.Method == "DELETE" && c.Path == "/actors/Idle/idle-1");
        deactivation.Should().ContainSingle();
        (deactivation[0].Started - touched).Should().BeGreaterThan(TimeSpan.FromMilliseconds(900));

        // Once deactivated it no longer counts as active in the metadata.
        var metadata = JsonDocument.Parse(await H.HostSidecar.GetStringAsync("/v1.0/metadata")).RootElement;
        metadata.GetProperty("actors").EnumerateArray().Single(a => a.GetProperty("type").GetString() == "Idle").GetProperty("count").GetInt32().Should().Be(0);

        // Counter actors (idle timeout 1h) were not deactivated.
        H.Host.Calls.Should().NotContain(c => c.Method == "DELETE" && c.Path.StartsWith("/actors/Counter/", StringComparison.Ordinal));
    }
}
