using System.Net.Http.Json;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// Dapr.Actors proxies from the suite (typed remoting and non-remoting) and from inside sdk-app (IActorProxyFactory from DI,
/// an actor's own ProxyFactory), against actor types hosted by sdk-app with Dapr.Actors.AspNetCore. sdk-app logs each
/// actor's activations, turns, timer and reminder callbacks under "actor:{type}:{id}".
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class ActorTests(ConformanceFixture fixture)
{
    private ICounterActor Counter(string id) => ActorProxy.Create<ICounterActor>(new ActorId(id), ActorTypes.Counter, fixture.ActorOptions);

    private static string Log(string type, string id) => $"actor:{type}:{id}";

    [Fact]
    public async Task A_typed_proxy_calls_the_actor_and_its_state_persists_between_calls()
    {
        var id = Marker.New("counter");
        var counter = Counter(id);

        (await counter.IncrementAsync(2)).Should().Be(2);
        (await counter.IncrementAsync(3)).Should().Be(5);
        (await counter.GetCountAsync()).Should().Be(5);

        // The state manager saved "count" in the actor state store; daprd serves it at /v1.0/actors/{type}/{id}/state/{key}.
        (await ActorStateAsync(ActorTypes.Counter, id, "count")).Should().Be("5");
    }

    [Fact]
    public async Task Another_apps_sidecar_routes_the_call_to_the_app_hosting_the_actor_type()
    {
        // Placement: any sidecar forwards /v1.0/actors/{type}/{id}/method/{m} to the app that registered the type. target's
        // sidecar hosts no actors and wants its DAPR_API_TOKEN.
        var id = Marker.New("elsewhere");
        var viaTarget = ActorProxy.Create<ICounterActor>(new ActorId(id), ActorTypes.Counter, new ActorProxyOptions
        {
            HttpEndpoint = $"http://127.0.0.1:{fixture.Target.HttpPort}",
            DaprApiToken = ConformanceFixture.TargetSidecarToken,
            RequestTimeout = TimeSpan.FromSeconds(30),
        });

        (await viaTarget.IncrementAsync(9)).Should().Be(9);
        (await Counter(id).GetCountAsync()).Should().Be(9, "it is the same actor, hosted by sdk-app");
    }

    [Fact]
    public async Task A_non_remoting_proxy_calls_a_method_by_name_with_JSON()
    {
        var id = Marker.New("non-remoting");
        var proxy = ActorProxy.Create(new ActorId(id), ActorTypes.Counter, fixture.ActorOptions);

        (await proxy.InvokeMethodAsync<int, int>(nameof(ICounterActor.IncrementAsync), 4)).Should().Be(4);
        (await proxy.InvokeMethodAsync<int>(nameof(ICounterActor.GetCountAsync))).Should().Be(4);
        (await Counter(id).GetCountAsync()).Should().Be(4, "both proxy kinds reach the same actor");
    }

    [Fact]
    public async Task IActorProxyFactory_from_DI_inside_an_app_reaches_the_actor_through_DAPR_HTTP_PORT()
    {
        var id = Marker.New("from-di");

        var response = await fixture.SdkAppHttp.PostAsync($"/test/proxy/{id}/increment/6", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<int>()).Should().Be(6);
        (await Counter(id).GetCountAsync()).Should().Be(6);
    }

    [Fact]
    public async Task An_exception_in_an_actor_method_reaches_a_remoting_caller_as_ActorMethodInvocationException()
    {
        // The SDK answers a failed remoting call with X-DaprErrorResponseHeader and the serialized exception; daprd must
        // hand both back for the proxy to rethrow it.
        var failure = await FluentActions.Awaiting(() => Counter(Marker.New("fail")).FailAsync("boom from the actor"))
            .Should().ThrowAsync<ActorMethodInvocationException>();

        failure.Which.ToString().Should().Contain("boom from the actor");
    }

    [Fact]
    public async Task SaveStateAsync_writes_every_change_of_the_turn_in_one_transaction()
    {
        var id = Marker.New("transaction");
        var counter = Counter(id);
        await counter.IncrementAsync(1);

        await counter.SaveManyAsync(3);

        (await ActorStateAsync(ActorTypes.Counter, id, "k0")).Should().Be("\"v0\"");
        (await ActorStateAsync(ActorTypes.Counter, id, "k2")).Should().Be("\"v2\"");
        (await ActorStateAsync(ActorTypes.Counter, id, "count")).Should().BeNull("the removal was part of the same transaction");
    }

    [Fact]
    public async Task Actor_state_set_with_a_TTL_expires()
    {
        // SetStateAsync(name, value, ttl) sends metadata ttlInSeconds; with the ActorStateTTL feature daprd stores it with
        // that TTL (pkg/actors/api/transactional.go) and GET …/state/{key} answers 204 once it expired.
        var id = Marker.New("ttl");
        await Counter(id).SetEphemeralAsync(4);
        (await ActorStateAsync(ActorTypes.Counter, id, "ephemeral")).Should().Be("\"here\"");

        await Eventually.UntilAsync("the actor state to expire", _ => ActorStateAsync(ActorTypes.Counter, id, "ephemeral"), v => v is null,
            TimeSpan.FromSeconds(20), v => v ?? "(gone)", TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Turns_of_one_actor_never_overlap_under_parallel_calls()
    {
        // Turn-based concurrency: one call at a time per actor id, whatever the callers.
        var id = Marker.New("turns");

        var inFlight = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Counter(id).HoldTurnAsync(150)));

        inFlight.Should().AllBeEquivalentTo(1, "no turn started while another was in flight");
        var turns = (await fixture.RecordsAsync(Log(ActorTypes.Counter, id))).Select(r => r.Body).Where(b => b is "enter" or "exit").ToList();
        turns.Should().Equal(Enumerable.Repeat(new[] { "enter", "exit" }, 5).SelectMany(x => x));
    }

    [Fact]
    public Task A_timer_fires_periodically_until_it_is_unregistered() =>
        FiresUntilStoppedAsync("timer", (c, n) => c.StartTimerAsync(n), (c, n) => c.StopTimerAsync(n), n => $"timer:{n}", firings: 3);

    [Fact]
    public Task A_reminder_fires_with_its_state_until_it_is_unregistered() =>
        FiresUntilStoppedAsync("reminder", (c, n) => c.StartReminderAsync(n), (c, n) => c.StopReminderAsync(n), n => $"reminder:{n}:{n}", firings: 2);

    [Fact]
    public async Task A_reminder_with_repetitions_fires_that_many_times_only()
    {
        // RegisterReminderAsync(…, repetitions: 2) sends the period as ISO 8601 "R2/PT1S"; the runtime stops after two firings.
        var id = Marker.New("twice");
        var counter = Counter(id);
        await counter.StartTwiceReminderAsync("twice");
        await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Count(r => r.Body == "reminder:twice:twice") >= 2);

        // A periodic reminder as the clock: after four of its firings (1 s apart) the limited one had every chance to fire again.
        await counter.StartReminderAsync("clock");
        var log = await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Count(r => r.Body == "reminder:clock:clock") >= 4);
        await counter.StopReminderAsync("clock");
        log.Count(r => r.Body == "reminder:twice:twice").Should().Be(2);
    }

    /// <summary>
    /// Starts "first", waits for <paramref name="firings"/> callbacks, stops it; then a second one ("second") is the clock:
    /// once it fired as often, the first one would have fired again had it not been unregistered.
    /// </summary>
    private async Task FiresUntilStoppedAsync(string kind, Func<ICounterActor, string, Task> start, Func<ICounterActor, string, Task> stop, Func<string, string> entry, int firings)
    {
        var id = Marker.New(kind);
        var counter = Counter(id);
        await start(counter, "first");
        await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Count(r => r.Body == entry("first")) >= firings);

        await stop(counter, "first");
        var firedBeforeStop = (await fixture.RecordsAsync(Log(ActorTypes.Counter, id))).Count(r => r.Body == entry("first"));

        await start(counter, "second");
        var log = await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Count(r => r.Body == entry("second")) >= firings);
        await stop(counter, "second");
        log.Count(r => r.Body == entry("first")).Should().Be(firedBeforeStop);
    }

    [Fact]
    public async Task A_reminder_survives_a_restart_of_the_hosting_app()
    {
        // Reminders are stored by the runtime, not the app: after the app restarts they fire in the new process.
        var id = Marker.New("durable-reminder");
        var counter = Counter(id);
        await counter.StartReminderAsync("durable");
        await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Any(r => r.Body == "reminder:durable:durable"));
        var before = await fixture.SdkAppHttp.GetFromJsonAsync<int>("/test/pid");

        await fixture.Host.RestartAppAsync(ConformanceFixture.SdkAppId);

        (await fixture.SdkAppHttp.GetFromJsonAsync<int>("/test/pid")).Should().NotBe(before);
        var log = await fixture.WaitForRecordsAsync(Log(ActorTypes.Counter, id), rs => rs.Any(r => r.Body == "reminder:durable:durable"));
        log.First().Body.Should().Be("activate", "the new process activated the actor for the reminder");
        await counter.StopReminderAsync("durable");
    }

    [Fact]
    public async Task Reentrancy_lets_a_call_chain_come_back_into_the_same_actor()
    {
        // ReentrantActor is registered with reentrancy (entitiesConfig); A → B → A must not deadlock on A's turn.
        var (a, b) = (Marker.New("reentrant-a"), Marker.New("reentrant-b"));
        var actor = ActorProxy.Create<IReentrantActor>(new ActorId(a), ActorTypes.Reentrant, fixture.ActorOptions);

        (await actor.CallPartnerAsync(b)).Should().Be($"{a} via {b}");
    }

    [Fact]
    public async Task An_idle_actor_is_deactivated_after_its_types_idle_timeout_and_reactivated_by_the_next_call()
    {
        // IdleActor's type options: actorIdleTimeout 2 s (actorScanInterval 1 s): daprd DELETEs /actors/{type}/{id} then.
        var id = Marker.New("idle");
        var idle = ActorProxy.Create<IIdleActor>(new ActorId(id), ActorTypes.Idle, fixture.ActorOptions);

        (await idle.PingAsync()).Should().Be("pong");
        await fixture.WaitForRecordsAsync(Log(ActorTypes.Idle, id), rs => rs.Any(r => r.Body == "deactivate"));
        (await idle.PingAsync()).Should().Be("pong");

        (await fixture.RecordsAsync(Log(ActorTypes.Idle, id))).Select(r => r.Body)
            .Should().Equal("activate", "ping", "deactivate", "activate", "ping");
    }

    /// <summary>GET /v1.0/actors/{type}/{id}/state/{key} on the hosting app's sidecar: the raw JSON, or null for 204.</summary>
    private async Task<string?> ActorStateAsync(string type, string id, string key)
    {
        using var response = await fixture.SdkSidecarHttp.GetAsync($"/v1.0/actors/{type}/{Uri.EscapeDataString(id)}/state/{key}");
        if (response.StatusCode == HttpStatusCode.NoContent) { return null; }
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }
}
