using System.Net;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>Without a state store marked actorStateStore: "true", actors still run but their state calls fail as in daprd.</summary>
public sealed class ActorStateStoreMissingTests : IAsyncLifetime
{
    private ActorHarness _h = null!;

    public async Task InitializeAsync() => _h = await ActorHarness.StartAsync("""{"entities":["Counter"]}""", actorStateStore: false);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Actor_state_calls_fail_with_ERR_ACTOR_STATE_codes_and_no_store_claims_the_ACTOR_capability()
    {
        // Invocation does not need a state store.
        (await _h.CallerSidecar.PostAsync("/v1.0/actors/Counter/1/method/x", ActorHarness.Json("{}"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // No actor state store: state transaction → 500 ERR_ACTOR_STATE_TRANSACTION_SAVE, get → 500 ERR_ACTOR_STATE_GET.
        using var save = await _h.HostSidecar.PostAsync("/v1.0/actors/Counter/1/state", ActorHarness.Json("""[{"operation":"upsert","request":{"key":"k","value":1}}]"""));
        save.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(save)).Code.Should().Be("ERR_ACTOR_STATE_TRANSACTION_SAVE");
        using var get = await _h.HostSidecar.GetAsync("/v1.0/actors/Counter/1/state/k");
        get.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(get)).Code.Should().Be("ERR_ACTOR_STATE_GET");

        // Metadata: ACTOR is listed only for a store marked actorStateStore: "true".
        var metadata = JsonDocumentOf(await _h.HostSidecar.GetStringAsync("/v1.0/metadata"));
        metadata.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "statestore")
            .GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).Should().NotContain("ACTOR");
        _h.Output.Should().Contain("no state store has actorStateStore");
    }

    private static System.Text.Json.JsonElement JsonDocumentOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement;
}
