using System.Diagnostics;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Sidecar.Tests.Contract;

/// <summary>Every client call against the real DevHost; each test names the Dapr rule it checks.</summary>
public sealed class DevHostContractTests(DevHostContractFixture fixture) : IClassFixture<DevHostContractFixture>
{
    private sealed record Profile(string Name, int Age);

    private sealed record EchoReply(string Text, string? Query, string Caller);

    private SidecarClient Client => fixture.Client;

    private static string NewKey() => "k-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task State_missing_key_answers_204_so_get_returns_null()
    {
        (await Client.GetStateAsync<Profile>("statestore", NewKey())).Should().BeNull();
        (await Client.GetStateEntryAsync<Profile>("statestore", NewKey())).ETag.Should().BeNull();
    }

    [Fact]
    public async Task State_save_then_get_round_trips_the_value_with_an_ETag()
    {
        var key = NewKey();
        await Client.SaveStateAsync("statestore", key, new Profile("Ada", 36));

        var entry = await Client.GetStateEntryAsync<Profile>("statestore", key, ConsistencyMode.Strong);

        entry.Value.Should().Be(new Profile("Ada", 36));
        entry.ETag.Should().NotBeNullOrEmpty("stores always return ETags");
    }

    [Fact]
    public async Task State_ETag_mismatch_is_409_and_surfaces_as_concurrency_failure()
    {
        var key = NewKey();
        await Client.SaveStateAsync("statestore", key, new Profile("v1", 1));
        var first = await Client.GetStateEntryAsync<Profile>("statestore", key);

        (await Client.TrySaveStateAsync("statestore", key, new Profile("v2", 2), first.ETag!, new StateOptions(ConcurrencyMode.FirstWrite))).Should().BeTrue();
        (await Client.TrySaveStateAsync("statestore", key, new Profile("stale", 3), first.ETag!, new StateOptions(ConcurrencyMode.FirstWrite))).Should().BeFalse();
        var delete = () => Client.DeleteStateAsync("statestore", key, first.ETag);
        await delete.Should().ThrowAsync<StateConcurrencyException>();
        (await Client.TryDeleteStateAsync("statestore", key, first.ETag!)).Should().BeFalse();

        (await Client.GetStateAsync<Profile>("statestore", key)).Should().Be(new Profile("v2", 2));
    }

    [Fact]
    public async Task State_delete_with_the_current_ETag_removes_the_key()
    {
        var key = NewKey();
        await Client.SaveStateAsync("statestore", key, new Profile("gone", 1));
        var entry = await Client.GetStateEntryAsync<Profile>("statestore", key);

        (await Client.TryDeleteStateAsync("statestore", key, entry.ETag!)).Should().BeTrue();

        (await Client.GetStateAsync<Profile>("statestore", key)).Should().BeNull();
    }

    [Fact]
    public async Task State_bulk_get_returns_data_and_etag_per_key_and_no_data_for_missing_keys()
    {
        var (a, missing) = (NewKey(), NewKey());
        await Client.SaveBulkStateAsync("statestore", [new SaveStateItem(a, new Profile("A", 1))]);

        var items = await Client.GetBulkStateAsync("statestore", [a, missing]);

        items.Single(i => i.Key == a).As<Profile>().Should().Be(new Profile("A", 1));
        items.Single(i => i.Key == a).ETag.Should().NotBeNullOrEmpty();
        items.Single(i => i.Key == missing).As<Profile>().Should().BeNull();
    }

    [Fact]
    public async Task State_transaction_applies_upserts_and_deletes_together()
    {
        var (keep, drop) = (NewKey(), NewKey());
        await Client.SaveStateAsync("statestore", drop, new Profile("old", 1));

        await Client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest(keep, StateOperationType.Upsert, new Profile("new", 2)),
            new StateTransactionRequest(drop, StateOperationType.Delete),
        ]);

        (await Client.GetStateAsync<Profile>("statestore", keep)).Should().Be(new Profile("new", 2));
        (await Client.GetStateAsync<Profile>("statestore", drop)).Should().BeNull();
    }

    [Fact]
    public async Task State_unknown_store_is_a_Dapr_error()
    {
        // Unknown state store → 400 ERR_STATE_STORE_NOT_FOUND.
        var get = () => Client.GetStateAsync<Profile>("no-such-store", "k");

        var error = (await get.Should().ThrowAsync<SidecarException>()).Which;
        error.StatusCode.Should().Be(400);
        error.ErrorCode.Should().Be("ERR_STATE_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task Invoke_forwards_path_query_and_body_and_stamps_the_caller_app_id()
    {
        var reply = await Client.InvokeMethodAsync<object, EchoReply>(HttpMethod.Post, DevHostContractFixture.AppId, "api/echo?x=1", new { text = "hello" });

        reply.Text.Should().Be("hello");
        reply.Query.Should().Be("?x=1");
        reply.Caller.Should().Be(DevHostContractFixture.AppId, "dapr-caller-app-id is stamped by the sidecar");
    }

    [Fact]
    public async Task Invoke_returns_the_apps_non_2xx_status_and_body_verbatim()
    {
        var call = () => Client.InvokeMethodAsync<EchoReply>(HttpMethod.Get, DevHostContractFixture.AppId, "api/teapot");

        var error = (await call.Should().ThrowAsync<InvocationException>()).Which;
        error.StatusCode.Should().Be(418);
        error.ResponseBody.Should().Contain("short and stout");
    }

    [Fact]
    public async Task Publish_wraps_JSON_in_a_CloudEvent_delivered_to_the_subscription_route()
    {
        // Publish with metadata.cloudevent.id overrides the generated CloudEvent id.
        var id = "ce-" + Guid.NewGuid().ToString("N");
        using var activity = new Activity("publish-test").SetIdFormat(ActivityIdFormat.W3C).Start();

        await Client.PublishEventAsync("pubsub", "contract.happened", new ContractEvent("single", 1), new Dictionary<string, string> { ["cloudevent.id"] = id });

        var (data, envelope) = await WaitForEventAsync(id);
        data.Should().Be(new ContractEvent("single", 1));
        envelope.Topic.Should().Be("contract.happened");
        envelope.PubSubName.Should().Be("pubsub");
        envelope.Type.Should().Be("com.dapr.event.sent");
        envelope.SpecVersion.Should().Be("1.0");
        envelope.DataContentType.Should().Be("application/json");
        envelope.TraceParent.Should().Contain(activity.TraceId.ToString());
    }

    [Fact]
    public async Task Bulk_publish_delivers_every_entry_and_reports_no_failures()
    {
        var marker = Guid.NewGuid().ToString("N");

        var result = await Client.BulkPublishEventAsync("pubsub", "contract.happened", [new ContractEvent(marker, 1), new ContractEvent(marker, 2)]);

        result.FailedEntries.Should().BeEmpty();
        var waited = Stopwatch.StartNew();
        while (fixture.Received.ById.Values.Count(v => v.Data.Name == marker) < 2 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        fixture.Received.ById.Values.Where(v => v.Data.Name == marker).Select(v => v.Data.Number).Should().BeEquivalentTo([1, 2]);
    }

    [Fact]
    public async Task Publish_to_an_unknown_pubsub_is_a_Dapr_error()
    {
        // Pubsub not found → 404 ERR_PUBSUB_NOT_FOUND.
        var publish = () => Client.PublishEventAsync("no-such-pubsub", "t", new ContractEvent("x", 0));

        var error = (await publish.Should().ThrowAsync<SidecarException>()).Which;
        error.StatusCode.Should().Be(404);
        error.ErrorCode.Should().Be("ERR_PUBSUB_NOT_FOUND");
    }

    [Fact]
    public async Task Secrets_local_file_store_answers_name_value_maps_single_and_bulk()
    {
        (await Client.GetSecretAsync("secretstore", "jwt")).Should().Equal(new Dictionary<string, string> { ["jwt"] = "signing-key" });
        (await Client.GetSecretAsync("secretstore", "db:user")).Should().Equal(new Dictionary<string, string> { ["db:user"] = "svc" });

        var bulk = await Client.GetBulkSecretAsync("secretstore");

        bulk["jwt"]["jwt"].Should().Be("signing-key");
        bulk["db:user"]["db:user"].Should().Be("svc");
    }

    [Fact]
    public async Task Metadata_reports_app_id_components_and_programmatic_subscriptions()
    {
        var metadata = await Client.GetMetadataAsync();

        metadata.Id.Should().Be(DevHostContractFixture.AppId);
        metadata.Components.Select(c => c.Name).Should().Contain(["statestore", "pubsub", "secretstore"]);
        metadata.Subscriptions.Should().Contain(s => s.Topic == "contract.happened" && s.PubSubName == "pubsub");
    }

    [Fact]
    public async Task Outbound_health_answers_204_once_the_sidecar_is_up()
    {
        (await Client.CheckOutboundHealthAsync()).Should().BeTrue();
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(5));
    }

    private async Task<(ContractEvent Data, DaprPlatform.Sidecar.Subscriptions.CloudEventEnvelope Envelope)> WaitForEventAsync(string id)
    {
        var received = await Eventually.UntilAsync(
            $"CloudEvent {id}",
            _ => Task.FromResult(fixture.Received.ById.TryGetValue(id, out var found) ? found : ((ContractEvent, DaprPlatform.Sidecar.Subscriptions.CloudEventEnvelope)?)null),
            found => found is not null,
            TimeSpan.FromSeconds(20),
            _ => "never delivered",
            interval: TimeSpan.FromMilliseconds(50));
        return received!.Value;
    }
}
