using System.Net;
using System.Text;
using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>Runtime behaviour needing its own app settings: idle deactivation and reentrancy.</summary>
public sealed class ActorRuntimeBehaviourTests
{
    [Fact]
    public async Task Idle_actors_are_deactivated_by_the_apps_own_scan()
    {
        await using var app = await ActorTestApp.StartAsync(o =>
        {
            o.ActorIdleTimeout = TimeSpan.FromMilliseconds(300);
            o.ActorScanInterval = TimeSpan.FromMilliseconds(100);
        });

        (await PutAsync(app, "/actors/Counter/idle/method/IncrementAsync", "1")).StatusCode.Should().Be(HttpStatusCode.OK);

        await WaitUntilAsync(() => app.Probe.Count("deactivate:idle") == 1, TimeSpan.FromSeconds(5));
        using var config = await app.Http.GetAsync("/dapr/config");
        (await config.Content.ReadAsStringAsync()).Should().Contain("\"actorIdleTimeout\":\"300ms\"").And.Contain("\"actorScanInterval\":\"100ms\"");
    }

    [Fact]
    public async Task A_graceful_stop_deactivates_every_active_actor_so_in_memory_work_can_be_saved()
    {
        await using var app = await ActorTestApp.StartAsync();
        (await PutAsync(app, "/actors/Counter/one/method/IncrementAsync", "1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PutAsync(app, "/actors/Counter/two/method/IncrementAsync", "1")).StatusCode.Should().Be(HttpStatusCode.OK);

        await app.StopAppAsync();

        app.Probe.Count("deactivate:one").Should().Be(1);
        app.Probe.Count("deactivate:two").Should().Be(1);
    }

    [Fact]
    public async Task Busy_actors_are_not_deactivated_by_the_scan()
    {
        await using var app = await ActorTestApp.StartAsync(o =>
        {
            o.ActorIdleTimeout = TimeSpan.FromMilliseconds(1500);
            o.ActorScanInterval = TimeSpan.FromMilliseconds(50);
        });

        for (var i = 0; i < 8; i++)
        {
            (await PutAsync(app, "/actors/Counter/busy/method/IncrementAsync", "1")).Dispose();
            await Task.Delay(100);
        }

        app.Probe.Count("deactivate:busy").Should().Be(0);
        app.Probe.Count("activate:busy").Should().Be(1);
    }

    [Fact]
    public async Task With_reentrancy_a_turn_can_call_back_into_its_own_actor_carrying_the_reentrancy_id()
    {
        // Rule (reentrancy): daprd sends Dapr-Reentrancy-Id on the callback; the app copies it onto its outgoing
        // actor calls so the chain re-enters instead of deadlocking on the turn lock.
        await using var app = await ActorTestApp.StartAsync(o => o.Reentrancy = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 8 });
        app.Sidecar.StampReentrancyId = true;
        var proxies = (ActorProxyFactory)app.Services.GetService(typeof(ActorProxyFactory))!;
        var actor = proxies.CreateActorProxy<IReentrantActor>(new ActorId("loop"), nameof(ReentrantActor));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await actor.OuterAsync(7).WaitAsync(timeout.Token);

        result.Should().Be(107);
        var inner = app.Sidecar.CallsTo("PUT", "/v1.0/actors/ReentrantActor/loop/method/InnerAsync").Should().ContainSingle().Subject;
        inner.Header("Dapr-Reentrancy-Id").Should().NotBeNullOrEmpty();
        app.Sidecar.State[ActorFakeSidecar.StateKey(nameof(ReentrantActor), "loop", "outer")].Should().Be("7");

        using var config = await app.Http.GetAsync("/dapr/config");
        (await config.Content.ReadAsStringAsync()).Should().Contain("\"reentrancy\":{\"enabled\":true,\"maxStackDepth\":8}");
    }

    [Fact]
    public async Task Reentrant_chain_deeper_than_max_stack_depth_fails()
    {
        // Rule (reentrancy): a chain deeper than maxStackDepth fails instead of recursing without bound.
        await using var app = await ActorTestApp.StartAsync(o => o.Reentrancy = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 3 });
        app.Sidecar.StampReentrancyId = true;
        var proxies = (ActorProxyFactory)app.Services.GetService(typeof(ActorProxyFactory))!;
        var actor = proxies.CreateActorProxy<IReentrantActor>(new ActorId("deep"), nameof(ReentrantActor));

        (await actor.RecurseAsync(3)).Should().Be(3);
        var tooDeep = () => actor.RecurseAsync(6);

        (await tooDeep.Should().ThrowAsync<ActorMethodInvocationException>()).Which.StatusCode.Should().Be(500);
        // 1 + 3 calls for the first chain; the second stops at its 4th re-entry (depth 4 > 3) instead of making all 6.
        app.Sidecar.CallsTo("PUT", "/v1.0/actors/ReentrantActor/deep/method/RecurseAsync").Should().HaveCount(4 + 5);
    }

    [Fact]
    public async Task Without_reentrancy_no_reentrancy_id_is_sent_even_if_one_arrived()
    {
        await using var app = await ActorTestApp.StartAsync();
        var reentrancyId = Guid.NewGuid().ToString();

        using var request = new HttpRequestMessage(HttpMethod.Put, "/actors/Counter/plain/method/ScheduleReminderAsync")
        {
            Content = new StringContent("""{"name":"r","text":null,"dueMs":0,"periodMs":0}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Dapr-Reentrancy-Id", reentrancyId);
        (await app.Http.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);

        app.Sidecar.CallsTo("PUT", "/v1.0/actors/Counter/plain/reminders/r").Should().ContainSingle()
            .Which.Header("Dapr-Reentrancy-Id").Should().BeNull();
    }

    [Fact]
    public async Task A_call_with_a_foreign_reentrancy_id_still_waits_for_the_turn()
    {
        // Re-entry is only for the chain of the turn in progress; another chain queues behind it.
        await using var app = await ActorTestApp.StartAsync(o => o.Reentrancy = new ActorReentrancyConfig { Enabled = true });

        var calls = Enumerable.Range(0, 4).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/actors/TurnRecorder/chains/method/RecordAsync")
            {
                Content = new StringContent($"\"c{i}\"", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Dapr-Reentrancy-Id", "chain-" + i);
            using var response = await app.Http.SendAsync(request);
            return response.StatusCode;
        });

        (await Task.WhenAll(calls)).Should().OnlyContain(s => s == HttpStatusCode.OK);
        app.Probe.MaxConcurrentTurns.Should().Be(1);
    }

    [Fact]
    public async Task Actor_routes_check_the_app_token_even_when_the_middleware_only_guards_dapr_routes()
    {
        await using var app = await ActorTestApp.StartAsync(requireTokenForAllRoutes: false);
        using var anonymous = new HttpClient { BaseAddress = app.Endpoint };

        using var response = await anonymous.PutAsync("/actors/Counter/open/method/GetAsync", null);
        using var withToken = await app.Http.PutAsync("/actors/Counter/open/method/GetAsync", null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withToken.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void AddActors_rejects_a_type_name_registered_twice()
    {
        var options = new ActorRuntimeOptions().RegisterActor<CounterActor>("Same");

        var again = () => options.RegisterActor<TurnRecorderActor>("Same");

        again.Should().Throw<InvalidOperationException>();
    }

    private static Task<HttpResponseMessage> PutAsync(ActorTestApp app, string path, string json) =>
        app.Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(25);
        }
    }
}
