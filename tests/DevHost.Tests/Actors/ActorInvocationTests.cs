using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Npgsql;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>The sidecar actors API (reference/api/actors_api): placement, callbacks, turns, state, metadata, reentrancy.</summary>
public sealed class ActorInvocationTests(ActorFixture fixture) : IClassFixture<ActorFixture>
{
    private ActorHarness H => fixture.Harness;

    [Fact]
    public async Task Invocation_from_any_sidecar_reaches_the_hosting_app_as_PUT_with_body_headers_and_query()
    {
        H.Host.Handler = call => Task.FromResult(new ActorAppReply(200, """{"sum":3}""", new Dictionary<string, string> { ["x-answer"] = "yes" }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.0/actors/Counter/route-1/method/add?by=2") { Content = ActorHarness.Json("""{"n":1}""") };
        request.Headers.Add("x-custom", "kept");
        using var response = await H.CallerSidecar.SendAsync(request);

        // invoke: the upstream status, headers and body come back to the caller.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"sum":3}""");
        response.Headers.GetValues("x-answer").Should().Equal("yes");

        // Placement: the type is hosted by "host" (its /dapr/config lists it); every callback is PUT, whatever the caller's verb.
        var call = H.Host.To("/actors/Counter/route-1/method/add").Should().ContainSingle().Subject;
        call.Method.Should().Be("PUT");
        call.Query.Should().Be("?by=2");
        call.BodyText.Should().Be("""{"n":1}""");
        call.Header("content-type").Should().StartWith("application/json");
        call.Header("x-custom").Should().Be("kept");
        call.Header("dapr-api-call").Should().Be("true");
        call.Header("dapr-caller-app-id").Should().Be("caller");

        // Sidecar → app calls carry the hosting app's APP_API_TOKEN.
        call.Header("dapr-api-token").Should().Be(ActorHarness.AppToken);
        H.Caller.Calls.Should().NotContain(c => c.Path.StartsWith("/actors/", StringComparison.Ordinal));

        // GET and DELETE invocations are also delivered as PUT.
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/route-1/method/read")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await H.HostSidecar.DeleteAsync("/v1.0/actors/Counter/route-1/method/reset")).StatusCode.Should().Be(HttpStatusCode.OK);
        H.Host.To("/actors/Counter/route-1/method/read").Single().Method.Should().Be("PUT");
        H.Host.To("/actors/Counter/route-1/method/reset").Single().Method.Should().Be("PUT");

        // daprd asked GET /dapr/config with the dapr-app-id header.
        H.Host.To("/dapr/config").Should().NotBeEmpty().And.OnlyContain(c => c.Header("dapr-app-id") == "host");
    }

    [Fact]
    public async Task A_204_from_the_actor_is_an_error_because_callbacks_succeed_only_on_200()
    {
        H.Host.Handler = _ => Task.FromResult(new ActorAppReply(204));
        using var response = await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/status-204/method/add", ActorHarness.Json("{}"));

        // Callbacks succeed only on exactly 200; anything else → 500 ERR_ACTOR_INVOKE_METHOD.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(response)).Code.Should().Be("ERR_ACTOR_INVOKE_METHOD");
    }

    [Fact]
    public async Task A_404_from_the_actor_means_method_not_found()
    {
        H.Host.Handler = _ => Task.FromResult(new ActorAppReply(404));
        using var response = await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/status-404/method/nope", ActorHarness.Json("{}"));

        // 404 = "method not found" (permanent) → 500 ERR_ACTOR_INVOKE_METHOD naming the method.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var (code, message) = await ActorHarness.ErrorOf(response);
        code.Should().Be("ERR_ACTOR_INVOKE_METHOD");
        message.Should().Contain("actor method not found: nope");
        H.Host.To("/actors/Counter/status-404/method/nope").Should().ContainSingle("a permanent error is not retried");
    }

    [Fact]
    public async Task An_actor_type_no_app_hosts_cannot_be_invoked()
    {
        using var response = await H.CallerSidecar.PostAsync("/v1.0/actors/Nobody/1/method/x", ActorHarness.Json("{}"));

        // Placement lookup fails: 500 ERR_ACTOR_INVOKE_METHOD ("did not find address for actor").
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(response)).Message.Should().Contain("did not find address for actor Nobody/1");
    }

    [Fact]
    public async Task One_turn_at_a_time_per_actor_id_across_sidecars_while_different_ids_run_in_parallel()
    {
        H.Host.Handler = async _ =>
        {
            await Task.Delay(150);
            return ActorAppReply.Ok;
        };

        // Turn-based access: five calls to one id, from two different sidecars, never overlap in the app.
        var clock = Stopwatch.StartNew();
        var sameId = Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? H.CallerSidecar : H.HostSidecar)
            .PostAsync("/v1.0/actors/Counter/turns/method/slow", ActorHarness.Json("{}"))).ToList();
        (await Task.WhenAll(sameId)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(700));
        H.Host.MaxConcurrent("Counter/turns").Should().Be(1);

        // Different actor ids run in parallel.
        var ids = Enumerable.Range(0, 5).Select(i => H.CallerSidecar.PostAsync($"/v1.0/actors/Counter/parallel-{i}/method/slow", ActorHarness.Json("{}"))).ToList();
        (await Task.WhenAll(ids)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        H.Host.MaxConcurrentOverall.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task Actor_state_is_stored_under_appid_type_id_key_and_read_back_raw()
    {
        // State transaction: upsert and delete → 204.
        using var save = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/state-1/state", ActorHarness.Json("""
            [{"operation":"upsert","request":{"key":"total","value":{"n":41}}},
             {"operation":"upsert","request":{"key":"gone","value":"x"}},
             {"operation":"delete","request":{"key":"gone"}}]
            """));
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Get state: 200 with the raw stored value; a missing key is 204.
        using var get = await H.HostSidecar.GetAsync("/v1.0/actors/Counter/state-1/state/total");
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("n").GetInt32().Should().Be(41);
        (await H.HostSidecar.GetAsync("/v1.0/actors/Counter/state-1/state/gone")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Key layout: <appId>||<actorType>||<actorId>||<key>, appId being the hosting app.
        await using var conn = await H.OpenDevHostDatabaseAsync();
        await using var cmd = new NpgsqlCommand("SELECT key, value::text FROM state WHERE key LIKE '%state-1%' ORDER BY key", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("host||Counter||state-1||total");
        JsonDocument.Parse(reader.GetString(1)).RootElement.GetProperty("n").GetInt32().Should().Be(41);
        (await reader.ReadAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task Actor_state_api_is_only_served_by_the_sidecar_of_the_hosting_app()
    {
        // A sidecar whose app does not host the type: 400 ERR_ACTOR_INSTANCE_MISSING.
        using var get = await H.CallerSidecar.GetAsync("/v1.0/actors/Counter/state-2/state/total");
        get.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ActorHarness.ErrorOf(get)).Code.Should().Be("ERR_ACTOR_INSTANCE_MISSING");

        // Only upsert and delete exist in an actor state transaction.
        using var bad = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/state-2/state", ActorHarness.Json("""[{"operation":"merge","request":{"key":"k"}}]"""));
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ActorHarness.ErrorOf(bad)).Code.Should().Be("ERR_NOT_SUPPORTED_STATE_OPERATION");

        using var malformed = await H.HostSidecar.PostAsync("/v1.0/actors/Counter/state-2/state", ActorHarness.Json("{nope"));
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ActorHarness.ErrorOf(malformed)).Code.Should().Be("ERR_MALFORMED_REQUEST");
    }

    [Fact]
    public async Task Metadata_lists_hosted_actor_types_with_active_counts_and_the_actor_state_store()
    {
        H.Host.Handler = _ => Task.FromResult(ActorAppReply.Ok);
        (await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/meta-1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await H.CallerSidecar.PostAsync("/v1.0/actors/Counter/meta-2/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // Metadata API: actors[{type,count}] on the hosting app's sidecar; the actor state store has the ACTOR capability.
        var host = JsonDocument.Parse(await H.HostSidecar.GetStringAsync("/v1.0/metadata")).RootElement;
        var actors = host.GetProperty("actors").EnumerateArray().ToDictionary(a => a.GetProperty("type").GetString()!, a => a.GetProperty("count").GetInt32());
        actors.Keys.Should().BeEquivalentTo(["Counter", "Idle", "Reentrant"]);
        actors["Counter"].Should().BeGreaterThanOrEqualTo(2);
        host.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "statestore")
            .GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).Should().Contain("ACTOR");

        var caller = JsonDocument.Parse(await H.CallerSidecar.GetStringAsync("/v1.0/metadata")).RootElement;
        caller.GetProperty("actors").GetArrayLength().Should().Be(0);

        // Start-up line says how actors are placed.
        H.Output.Should().Contain("actors: Counter → host (placement: DevHost, single machine");
    }

    [Fact]
    public async Task Reentrancy_lets_a_call_chain_reenter_its_actor_until_maxStackDepth()
    {
        var reentrancyIds = new System.Collections.Concurrent.ConcurrentBag<string>();
        var depthErrors = new System.Collections.Concurrent.ConcurrentBag<string>();
        H.Host.Handler = async call =>
        {
            reentrancyIds.Add(call.Header("dapr-reentrancy-id") ?? "");

            // The actor calls itself again, copying Dapr-Reentrancy-Id as the reentrancy docs require.
            using var again = new HttpRequestMessage(HttpMethod.Put, "/v1.0/actors/Reentrant/r-1/method/again") { Content = ActorHarness.Json("{}") };
            again.Headers.Add("Dapr-Reentrancy-Id", call.Header("dapr-reentrancy-id"));
            using var response = await H.HostSidecar.SendAsync(again);
            if (response.StatusCode != HttpStatusCode.OK) { depthErrors.Add(await response.Content.ReadAsStringAsync()); }
            return ActorAppReply.Ok;
        };

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var first = await H.CallerSidecar.PostAsync("/v1.0/actors/Reentrant/r-1/method/start", ActorHarness.Json("{}"), cts.Token);

        // No deadlock: the chain re-entered; daprd generated one reentrancy id and sent it on every callback of the chain.
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        reentrancyIds.Should().HaveCount(3).And.OnlyContain(id => id.Length > 0);
        reentrancyIds.Distinct().Should().ContainSingle();

        // maxStackDepth 3: the fourth call of the chain fails with 500 ERR_ACTOR_STACK_DEPTH.
        depthErrors.Should().ContainSingle().Which.Should().Be("""{"errorCode":"ERR_ACTOR_STACK_DEPTH","message":"maximum stack depth exceeded"}""");
    }
}
