using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>daprd → app actor callbacks through a real Kestrel app, with a fake sidecar behind the actor state API.</summary>
public sealed class ActorProtocolTests : IAsyncLifetime
{
    private ActorTestApp _app = null!;

    public async Task InitializeAsync() => _app = await ActorTestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Dapr_config_lists_entities_and_runtime_settings_as_go_durations()
    {
        // Rule (GET /dapr/config): entities + actorIdleTimeout/actorScanInterval/drainOngoingCallTimeout (Go durations), drainRebalancedActors, reentrancy.
        using var response = await _app.Http.GetAsync("/dapr/config");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("entities").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo("Counter", "TurnRecorder", nameof(ReentrantActor));
        body.GetProperty("actorIdleTimeout").GetString().Should().Be("1h0m0s");
        body.GetProperty("actorScanInterval").GetString().Should().Be("30s");
        body.GetProperty("drainOngoingCallTimeout").GetString().Should().Be("1m0s");
        body.GetProperty("drainRebalancedActors").GetBoolean().Should().BeTrue();
        body.GetProperty("reentrancy").GetProperty("enabled").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Method_callback_answers_exactly_200_with_the_json_result()
    {
        // Rule: daprd calls PUT /actors/{type}/{id}/method/{method} and accepts only 200.
        using var response = await PutAsync("/actors/Counter/c1/method/IncrementAsync", "5");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("5");
    }

    [Fact]
    public async Task Method_returning_plain_task_answers_200_never_204()
    {
        // Rule: daprd checks status == 200, so a 204 would count as a failed call.
        using var response = await PutAsync("/actors/Counter/c2/method/ResetAsync", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Json_object_parameter_and_cancellation_token_are_bound()
    {
        using var response = await PutAsync("/actors/Counter/c3/method/GreetAsync", """{"name":"ann","times":2}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<string>()).Should().Be("hello ann hello ann");
    }

    [Theory]
    [InlineData("/actors/Counter/c4/method/NoSuchMethod")]
    [InlineData("/actors/NoSuchType/c4/method/GetAsync")]
    [InlineData("/actors/NoSuchType/c4/method/remind/r1")]
    [InlineData("/actors/TurnRecorder/c4/method/remind/r1")]
    public async Task Unknown_method_type_or_reminder_target_answers_404(string path)
    {
        // Rule: 404 = method not found, a permanent error daprd does not retry.
        using var response = await PutAsync(path, "{}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        _app.Probe.Events.Should().NotContain("activate:c4");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("\"five\"")]
    public async Task Body_that_does_not_fit_the_parameter_answers_400_without_activating(string body)
    {
        using var response = await PutAsync("/actors/Counter/c5/method/IncrementAsync", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        _app.Probe.Events.Should().NotContain("activate:c5");
        _app.Sidecar.CallsTo("POST", "/v1.0/actors/Counter/c5/state").Should().BeEmpty();
    }

    [Fact]
    public async Task Missing_body_for_a_value_type_parameter_answers_400()
    {
        using var response = await PutAsync("/actors/Counter/c5b/method/IncrementAsync", null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Failing_method_answers_500_and_its_state_changes_are_discarded()
    {
        // Non-200 is a failed call for daprd (callers get ERR_ACTOR_INVOKE_METHOD); nothing of the turn is saved.
        (await PutAsync("/actors/Counter/c6/method/IncrementAsync", "3")).Dispose();

        using var failed = await PutAsync("/actors/Counter/c6/method/FailAfterWriteAsync", "99");
        using var after = await PutAsync("/actors/Counter/c6/method/GetAsync", null);

        failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await failed.Content.ReadAsStringAsync()).Should().Contain("boom after write");
        (await after.Content.ReadAsStringAsync()).Should().Be("3");
        _app.Sidecar.CallsTo("POST", "/v1.0/actors/Counter/c6/state").Should().ContainSingle();
        _app.Sidecar.State[ActorFakeSidecar.StateKey("Counter", "c6", "count")].Should().Be("3");
    }

    [Fact]
    public async Task Failed_state_transaction_fails_the_turn_and_the_next_turn_rereads()
    {
        (await PutAsync("/actors/Counter/c7/method/IncrementAsync", "1")).Dispose();
        _app.Sidecar.FailNextTransactionWith = 500;

        using var failed = await PutAsync("/actors/Counter/c7/method/IncrementAsync", "10");
        using var after = await PutAsync("/actors/Counter/c7/method/IncrementAsync", "100");

        failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await after.Content.ReadAsStringAsync()).Should().Be("101");
    }

    [Fact]
    public async Task All_changes_of_a_turn_go_in_one_state_transaction()
    {
        // Rule (actor state): POST /v1.0/actors/{type}/{id}/state with [{operation:"upsert"|"delete", request:{key, value}}].
        _app.Sidecar.State[ActorFakeSidecar.StateKey("Counter", "c8", "gone")] = "1";

        using var response = await PutAsync("/actors/Counter/c8/method/WriteManyAsync", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var transaction = _app.Sidecar.CallsTo("POST", "/v1.0/actors/Counter/c8/state").Should().ContainSingle().Subject;
        transaction.Header("dapr-api-token").Should().Be("sidecar-token");
        transaction.Header("content-type").Should().StartWith("application/json");
        var operations = transaction.Json.EnumerateArray()
            .ToDictionary(o => o.GetProperty("request").GetProperty("key").GetString()!, o => o);
        operations.Should().HaveCount(3);
        operations["a"].GetProperty("operation").GetString().Should().Be("upsert");
        operations["a"].GetProperty("request").GetProperty("value").GetString().Should().Be("second");
        operations["b"].GetProperty("request").GetProperty("value").GetProperty("name").GetString().Should().Be("bee");
        operations["gone"].GetProperty("operation").GetString().Should().Be("delete");
        operations["gone"].GetProperty("request").TryGetProperty("value", out _).Should().BeFalse();
        _app.Sidecar.State.Should().NotContainKey(ActorFakeSidecar.StateKey("Counter", "c8", "gone"));
    }

    [Fact]
    public async Task Turn_without_changes_sends_no_transaction_and_reads_are_cached_per_activation()
    {
        _app.Sidecar.State[ActorFakeSidecar.StateKey("Counter", "c9", "count")] = "7";

        for (var i = 0; i < 3; i++)
        {
            using var response = await PutAsync("/actors/Counter/c9/method/GetAsync", null);
            (await response.Content.ReadAsStringAsync()).Should().Be("7");
        }

        // Rule (actor state get): GET /v1.0/actors/{type}/{id}/state/{key} → 200 raw value.
        _app.Sidecar.CallsTo("GET", "/v1.0/actors/Counter/c9/state/count").Should().ContainSingle();
        _app.Sidecar.CallsTo("POST", "/v1.0/actors/Counter/c9/state").Should().BeEmpty();
    }

    [Fact]
    public async Task Activation_happens_once_on_first_call_and_delete_deactivates_with_200()
    {
        for (var i = 0; i < 3; i++)
        {
            (await PutAsync("/actors/Counter/c10/method/IncrementAsync", "1")).Dispose();
        }

        // Rule: DELETE /actors/{type}/{id} deactivates and must also answer 200.
        using var deleted = await _app.Http.DeleteAsync("/actors/Counter/c10");
        using var again = await PutAsync("/actors/Counter/c10/method/GetAsync", null);

        _app.Probe.Count("activate:c10").Should().Be(2);
        _app.Probe.Count("deactivate:c10").Should().Be(1);
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync()).Should().Be("3");
        _app.Probe.Events.Should().ContainInOrder("activate:c10", "deactivate:c10", "activate:c10");
    }

    [Fact]
    public async Task Delete_of_an_inactive_actor_answers_200_and_of_an_unknown_type_404()
    {
        using var inactive = await _app.Http.DeleteAsync("/actors/Counter/never-called");
        using var unknown = await _app.Http.DeleteAsync("/actors/Nope/x");

        inactive.StatusCode.Should().Be(HttpStatusCode.OK);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        _app.Probe.Events.Should().NotContain("deactivate:never-called");
    }

    [Fact]
    public async Task Concurrent_calls_to_one_actor_id_run_one_turn_at_a_time()
    {
        // Rule (turn-based access): one turn per actor id at a time.
        var calls = Enumerable.Range(0, 6).Select(i => PutAsync("/actors/TurnRecorder/same/method/RecordAsync", $"\"t{i}\""));
        var responses = await Task.WhenAll(calls);

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var log = _app.Probe.TurnLog["same"].ToList();
        log.Should().HaveCount(12);
        for (var i = 0; i < log.Count; i += 2)
        {
            log[i].Should().StartWith("enter:");
            log[i + 1].Should().Be("exit:" + log[i]["enter:".Length..], "a turn must end before the next one starts");
        }

        _app.Probe.MaxConcurrentTurns.Should().Be(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Different_actor_ids_run_in_parallel()
    {
        // Rule: different actor ids run in parallel.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => PutAsync($"/actors/TurnRecorder/p{i}/method/RecordAsync", "\"x\"")));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _app.Probe.MaxConcurrentTurns.Should().BeGreaterThan(1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Reminder_callback_delivers_data_due_time_and_period_and_answers_200()
    {
        // Rule: PUT /actors/{type}/{id}/method/remind/{name} with {"data","dueTime","period"}; data we registered is base64.
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("payload"));
        using var response = await PutAsync("/actors/Counter/r1/method/remind/flush", $$"""{"data":"{{data}}","dueTime":"1m0s","period":"R5/PT10S"}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains(ActorEndpointRouteBuilderExtensions.ReminderCancelHeader).Should().BeFalse();
        _app.Probe.Events.Should().Contain("reminder:r1:flush:payload:00:01:00:00:00:10");
        _app.Sidecar.State[ActorFakeSidecar.StateKey("Counter", "r1", "lastReminder")].Should().Be("\"flush\"");
    }

    [Fact]
    public async Task Reminder_data_that_is_plain_json_reaches_the_actor_as_its_utf8_text()
    {
        using var response = await PutAsync("/actors/Counter/r2/method/remind/plain", """{"data":{"k":1},"dueTime":"0s","period":""}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _app.Probe.Events.Should().Contain("reminder:r2:plain:{\"k\":1}:00:00:00:00:00:00");
    }

    [Fact]
    public async Task Actor_cancelling_its_reminder_answers_with_X_DaprReminderCancel_true()
    {
        // Rule: X-DaprReminderCancel: true on a reminder/timer callback response cancels it (Dapr 1.15+).
        using var response = await PutAsync("/actors/Counter/r3/method/remind/stop-me", """{"dueTime":"10s","period":"10s"}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues(ActorEndpointRouteBuilderExtensions.ReminderCancelHeader).Should().Equal("true");
    }

    [Fact]
    public async Task Timer_callback_runs_the_named_method_with_its_data()
    {
        // Rule: PUT /actors/{type}/{id}/method/timer/{name} with {"callback","data","dueTime","period"}.
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("tock"));
        using var response = await PutAsync("/actors/Counter/t1/method/timer/tick", $$"""{"callback":"OnTickAsync","data":"{{data}}","dueTime":"1s","period":"1s"}""");
        using var cancel = await PutAsync("/actors/Counter/t1/method/timer/tick", $$"""{"callback":"OnTickAsync","data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes("stop"))}}","dueTime":"1s","period":"1s"}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _app.Probe.Events.Should().Contain("tick:t1:tock");
        cancel.Headers.GetValues(ActorEndpointRouteBuilderExtensions.ReminderCancelHeader).Should().Equal("true");
    }

    [Theory]
    [InlineData("""{"callback":"NoSuchCallback","dueTime":"1s"}""", HttpStatusCode.NotFound)]
    [InlineData("""{"dueTime":"1s"}""", HttpStatusCode.BadRequest)]
    [InlineData("""[1,2]""", HttpStatusCode.BadRequest)]
    public async Task Timer_callback_without_a_usable_callback_is_rejected(string body, HttpStatusCode expected)
    {
        using var response = await PutAsync("/actors/Counter/t2/method/timer/tick", body);

        response.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task Registering_a_reminder_and_a_timer_uses_the_sidecar_actor_api_with_go_durations()
    {
        // Rule: PUT /v1.0/actors/{type}/{id}/reminders|timers/{name}, body {dueTime, period, data[, callback]}; 204 on success.
        (await PutAsync("/actors/Counter/s1/method/ScheduleReminderAsync", """{"name":"flush","text":"hi","dueMs":60000,"periodMs":10000}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PutAsync("/actors/Counter/s1/method/ScheduleTimerAsync", """{"name":"once","text":null,"dueMs":1500,"periodMs":0}""")).StatusCode.Should().Be(HttpStatusCode.OK);

        var reminder = _app.Sidecar.CallsTo("PUT", "/v1.0/actors/Counter/s1/reminders/flush").Should().ContainSingle().Subject;
        reminder.Json.GetProperty("dueTime").GetString().Should().Be("1m0s");
        reminder.Json.GetProperty("period").GetString().Should().Be("10s");
        reminder.Json.GetProperty("data").GetString().Should().Be(Convert.ToBase64String(Encoding.UTF8.GetBytes("hi")));
        reminder.Header("dapr-api-token").Should().Be("sidecar-token");
        reminder.Header("traceparent").Should().NotBeNullOrEmpty();

        var timer = _app.Sidecar.CallsTo("PUT", "/v1.0/actors/Counter/s1/timers/once").Should().ContainSingle().Subject;
        timer.Json.GetProperty("callback").GetString().Should().Be("OnTickAsync");
        timer.Json.GetProperty("dueTime").GetString().Should().Be("1.5s");
        timer.Json.TryGetProperty("period", out _).Should().BeFalse("an empty period means the timer fires once");
        timer.Json.TryGetProperty("data", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Actor_callbacks_require_the_app_api_token()
    {
        // Rule: daprd sends dapr-api-token = APP_API_TOKEN on sidecar → app calls; the app rejects calls without it.
        using var anonymous = new HttpClient { BaseAddress = _app.Endpoint };
        using var response = await anonymous.PutAsync("/actors/Counter/x/method/GetAsync", null);
        using var config = await anonymous.GetAsync("/dapr/config");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        config.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _app.Probe.Events.Should().NotContain("activate:x");
    }

    private Task<HttpResponseMessage> PutAsync(string path, string? json) =>
        _app.Http.PutAsync(path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
}
