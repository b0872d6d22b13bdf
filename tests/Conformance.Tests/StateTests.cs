namespace DaprPlatform.Conformance.Tests;

/// <summary>DaprClient's state API (gRPC) against a state.postgresql v1 store: what daprd + that component do.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class StateTests(ConformanceFixture fixture)
{
    private const string Store = ConformanceFixture.StateStore;
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task SaveState_then_GetState_round_trips_JSON_and_DeleteState_removes_it()
    {
        var key = Marker.New("state");
        var widget = new Widget(key, 7, "seven");

        await Client.SaveStateAsync(Store, key, widget);
        (await Client.GetStateAsync<Widget>(Store, key)).Should().Be(widget);

        await Client.DeleteStateAsync(Store, key);
        (await Client.GetStateAsync<Widget>(Store, key)).Should().BeNull("GetState of a deleted key is empty, not an error");
    }

    [Fact]
    public async Task GetState_of_a_key_never_written_is_empty_not_an_error()
    {
        var (value, etag) = await Client.GetStateAndETagAsync<Widget>(Store, Marker.New("never"));

        value.Should().BeNull();
        etag.Should().BeNullOrEmpty("daprd sends no ETag for a missing key");
    }

    [Fact]
    public async Task TrySaveState_with_the_current_ETag_succeeds_and_with_a_stale_one_returns_false()
    {
        // ETag mismatch → gRPC Aborted (pkg/api/grpc/grpc.go getStateErrorCode), which the SDK reports as false.
        var key = Marker.New("etag");
        await Client.SaveStateAsync(Store, key, new Widget(key, 1));
        var (_, first) = await Client.GetStateAndETagAsync<Widget>(Store, key);
        first.Should().NotBeNullOrEmpty();

        (await Client.TrySaveStateAsync(Store, key, new Widget(key, 2), first)).Should().BeTrue();
        var (stored, second) = await Client.GetStateAndETagAsync<Widget>(Store, key);
        stored!.N.Should().Be(2);
        second.Should().NotBe(first, "every write changes the ETag");

        (await Client.TrySaveStateAsync(Store, key, new Widget(key, 3), first)).Should().BeFalse("the ETag is stale");
        (await Client.GetStateAsync<Widget>(Store, key))!.N.Should().Be(2, "a refused write changes nothing");
    }

    [Fact]
    public async Task TryDeleteState_with_a_stale_ETag_returns_false_and_with_the_current_one_deletes()
    {
        var key = Marker.New("etag-delete");
        await Client.SaveStateAsync(Store, key, new Widget(key, 1));
        var (_, stale) = await Client.GetStateAndETagAsync<Widget>(Store, key);
        await Client.SaveStateAsync(Store, key, new Widget(key, 2));
        var (_, current) = await Client.GetStateAndETagAsync<Widget>(Store, key);

        (await Client.TryDeleteStateAsync(Store, key, stale)).Should().BeFalse();
        (await Client.GetStateAsync<Widget>(Store, key)).Should().NotBeNull();

        (await Client.TryDeleteStateAsync(Store, key, current)).Should().BeTrue();
        (await Client.GetStateAsync<Widget>(Store, key)).Should().BeNull();
    }

    [Fact]
    public async Task An_ETag_for_a_key_that_does_not_exist_is_a_mismatch()
    {
        // postgresql v1: the UPDATE … WHERE xmin = ETag / DELETE … AND xmin = ETag touches no row → ETagMismatch → Aborted → false.
        var key = Marker.New("etag-gone");

        (await Client.TrySaveStateAsync(Store, key, new Widget(key, 1), "12345")).Should().BeFalse();
        (await Client.TryDeleteStateAsync(Store, key, "12345")).Should().BeFalse();
        (await Client.GetStateAsync<Widget>(Store, key)).Should().BeNull("an ETag never creates a key");
    }

    [Fact]
    public async Task A_malformed_ETag_is_an_InvalidArgument_error_not_a_mismatch()
    {
        // state.postgresql v1 parses the ETag as a uint32 xmin; a non-number is ETagInvalid → gRPC InvalidArgument, which the
        // SDK does not turn into false (only Aborted) but throws (components-contrib common/component/postgresql/v1/postgresql.go).
        var key = Marker.New("etag-bad");
        await Client.SaveStateAsync(Store, key, new Widget(key, 1));

        await DaprAssertions.ShouldFailWithAsync(() => Client.TrySaveStateAsync(Store, key, new Widget(key, 2), "not-a-number"), StatusCode.InvalidArgument);

        await DaprAssertions.ShouldFailWithAsync(() => Client.TryDeleteStateAsync(Store, key, "not-a-number"), StatusCode.InvalidArgument);
        (await Client.GetStateAsync<Widget>(Store, key))!.N.Should().Be(1);
    }

    [Fact]
    public async Task FirstWrite_without_an_ETag_inserts_a_new_key_but_refuses_to_overwrite_an_existing_one()
    {
        // state.postgresql v1 with concurrency first-write and no ETag: INSERT … ON CONFLICT DO UPDATE only when expired;
        // an existing key → "no item was updated" → ERR_STATE_SAVE, gRPC Internal (state/postgresql/v1/postgresql.go).
        var key = Marker.New("first-write");
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };

        await Client.SaveStateAsync(Store, key, new Widget(key, 1), firstWrite);
        (await Client.GetStateAsync<Widget>(Store, key))!.N.Should().Be(1);

        await DaprAssertions.ShouldFailWithAsync(() => Client.SaveStateAsync(Store, key, new Widget(key, 2), firstWrite), StatusCode.Internal);
        (await Client.GetStateAsync<Widget>(Store, key))!.N.Should().Be(1, "the first write wins");
    }

    [Fact]
    public async Task FirstWrite_with_a_stale_ETag_returns_false()
    {
        var key = Marker.New("first-write-etag");
        await Client.SaveStateAsync(Store, key, new Widget(key, 1));
        var (_, etag) = await Client.GetStateAndETagAsync<Widget>(Store, key);
        await Client.SaveStateAsync(Store, key, new Widget(key, 2));

        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };
        (await Client.TrySaveStateAsync(Store, key, new Widget(key, 3), etag, firstWrite)).Should().BeFalse();
        (await Client.GetStateAsync<Widget>(Store, key))!.N.Should().Be(2);
    }

    [Fact]
    public async Task ExecuteStateTransaction_applies_upserts_and_deletes_together()
    {
        var (a, b, gone) = (Marker.New("tx-a"), Marker.New("tx-b"), Marker.New("tx-gone"));
        await Client.SaveStateAsync(Store, gone, new Widget(gone, 0));

        await Client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest(a, JsonSerializer.SerializeToUtf8Bytes(new Widget(a, 1)), StateOperationType.Upsert),
            new StateTransactionRequest(b, JsonSerializer.SerializeToUtf8Bytes(new Widget(b, 2)), StateOperationType.Upsert),
            new StateTransactionRequest(gone, null, StateOperationType.Delete),
        ]);

        (await Client.GetStateAsync<Widget>(Store, a))!.N.Should().Be(1);
        (await Client.GetStateAsync<Widget>(Store, b))!.N.Should().Be(2);
        (await Client.GetStateAsync<Widget>(Store, gone)).Should().BeNull();
    }

    [Fact]
    public async Task ExecuteStateTransaction_is_atomic_an_operation_with_a_stale_ETag_rolls_back_every_other()
    {
        // The store runs the operations in one database transaction; a failure is ERR_STATE_TRANSACTION, gRPC Internal
        // (pkg/api/grpc/grpc.go ExecuteStateTransaction).
        var (fresh, guarded, doomed) = (Marker.New("tx-fresh"), Marker.New("tx-guarded"), Marker.New("tx-doomed"));
        await Client.SaveStateAsync(Store, guarded, new Widget(guarded, 1));
        var (_, stale) = await Client.GetStateAndETagAsync<Widget>(Store, guarded);
        await Client.SaveStateAsync(Store, guarded, new Widget(guarded, 2));
        await Client.SaveStateAsync(Store, doomed, new Widget(doomed, 9));

        await DaprAssertions.ShouldFailWithAsync(() => Client.ExecuteStateTransactionAsync(Store,
            [
                new StateTransactionRequest(fresh, JsonSerializer.SerializeToUtf8Bytes(new Widget(fresh, 1)), StateOperationType.Upsert),
                new StateTransactionRequest(doomed, null, StateOperationType.Delete),
                new StateTransactionRequest(guarded, JsonSerializer.SerializeToUtf8Bytes(new Widget(guarded, 3)), StateOperationType.Upsert, stale),
            ]), StatusCode.Internal);

        (await Client.GetStateAsync<Widget>(Store, fresh)).Should().BeNull("the upsert before the failing operation is rolled back");
        (await Client.GetStateAsync<Widget>(Store, doomed))!.N.Should().Be(9, "the delete before the failing operation is rolled back");
        (await Client.GetStateAsync<Widget>(Store, guarded))!.N.Should().Be(2);
    }

    [Fact]
    public async Task GetBulkState_returns_each_key_with_value_and_ETag_and_an_empty_item_for_a_missing_key()
    {
        var (a, b, missing) = (Marker.New("bulk-a"), Marker.New("bulk-b"), Marker.New("bulk-missing"));
        await Client.SaveStateAsync(Store, a, new Widget(a, 1));
        await Client.SaveStateAsync(Store, b, new Widget(b, 2));

        var items = await Client.GetBulkStateAsync(Store, [a, b, missing], parallelism: 2);

        items.Select(i => i.Key).Should().BeEquivalentTo([a, b, missing]);
        JsonSerializer.Deserialize<Widget>(items.Single(i => i.Key == a).Value, JsonSerializerOptions.Web)!.N.Should().Be(1);
        JsonSerializer.Deserialize<Widget>(items.Single(i => i.Key == b).Value, JsonSerializerOptions.Web)!.N.Should().Be(2);
        items.Single(i => i.Key == a).ETag.Should().NotBeNullOrEmpty();
        items.Single(i => i.Key == missing).Value.Should().BeNullOrEmpty("a missing key comes back as an item without data");

        var typed = await Client.GetBulkStateAsync<Widget>(Store, [a, b], parallelism: 1);
        typed.Select(i => i.Value.N).Should().BeEquivalentTo([1, 2]);
    }

    [Fact]
    public async Task DeleteBulkState_deletes_every_listed_key()
    {
        var keys = Enumerable.Range(0, 3).Select(i => Marker.New($"bulk-del-{i}")).ToList();
        foreach (var key in keys) { await Client.SaveStateAsync(Store, key, new Widget(key, 1)); }
        var keep = Marker.New("bulk-keep");
        await Client.SaveStateAsync(Store, keep, new Widget(keep, 1));

        await Client.DeleteBulkStateAsync(Store, [.. keys.Select(k => new BulkDeleteStateItem(k, null!))]);

        foreach (var key in keys) { (await Client.GetStateAsync<Widget>(Store, key)).Should().BeNull(); }
        (await Client.GetStateAsync<Widget>(Store, keep)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_value_saved_with_ttlInSeconds_metadata_expires()
    {
        var key = Marker.New("ttl");
        await Client.SaveStateAsync(Store, key, new Widget(key, 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "2" });
        var permanent = Marker.New("no-ttl");
        await Client.SaveStateAsync(Store, permanent, new Widget(permanent, 1));

        await Eventually.UntilAsync("the TTL'd value to expire", _ => Client.GetStateAsync<Widget>(Store, key), w => w is null,
            TimeSpan.FromSeconds(20), w => w?.ToString() ?? "null", TimeSpan.FromMilliseconds(250));
        (await Client.GetStateAsync<Widget>(Store, permanent)).Should().NotBeNull();
    }

    [Fact]
    public async Task State_calls_naming_an_unknown_store_fail_with_InvalidArgument()
    {
        // ERR_STATE_STORE_NOT_FOUND: gRPC InvalidArgument (pkg/api/errors/state.go NotFound).
        await DaprAssertions.ShouldFailWithAsync(() => Client.GetStateAsync<Widget>("no-such-store", "k"), StatusCode.InvalidArgument);
        await DaprAssertions.ShouldFailWithAsync(() => Client.SaveStateAsync("no-such-store", "k", 1), StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task A_value_lands_in_daprs_v1_row_layout_under_the_app_id_prefix_so_another_app_does_not_see_it()
    {
        // state.postgresql v1: table "state", key "{appId}||{key}" (keyPrefix appid, the default). The SDK sends the value as
        // bytes without contentType metadata, so daprd hands the store []byte (pkg/api/grpc/grpc.go SaveState) and the store
        // keeps it base64 in a JSON string with isbinary = true (components-contrib common/component/postgresql/v1 doSet).
        var key = Marker.New("prefixed");
        await Client.SaveStateAsync(Store, key, new Widget(key, 11));

        await using (var connection = new Npgsql.NpgsqlConnection(fixture.StateDatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var query = new Npgsql.NpgsqlCommand("SELECT value::text, isbinary FROM state WHERE key = @key", connection);
            query.Parameters.AddWithValue("key", $"{ConformanceFixture.SdkAppId}||{key}");
            await using var row = await query.ExecuteReaderAsync();
            (await row.ReadAsync()).Should().BeTrue("the row is where daprd would have put it");
            row.GetBoolean(1).Should().BeTrue();
            var base64 = JsonSerializer.Deserialize<string>(row.GetString(0))!;
            JsonSerializer.Deserialize<Widget>(Convert.FromBase64String(base64), JsonSerializerOptions.Web).Should().Be(new Widget(key, 11));
        }

        using var other = ConformanceFixture.ClientForApp(fixture.Target, ConformanceFixture.TargetSidecarToken);
        (await other.GetStateAsync<Widget>(Store, key)).Should().BeNull("target's sidecar prefixes keys with \"target||\"");
    }

    [Fact]
    public async Task Bytes_saved_with_SaveByteState_come_back_unchanged()
    {
        // Binary values are stored base64 with isbinary = true and decoded on the way out (postgresql v1 readRow).
        var key = Marker.New("bytes");
        byte[] bytes = [0, 1, 2, 250, 255, (byte)'{'];

        await Client.SaveByteStateAsync(Store, key, bytes);

        (await Client.GetByteStateAsync(Store, key)).ToArray().Should().Equal(bytes);
    }

    [Fact]
    public async Task An_apps_DaprClient_from_DI_finds_its_sidecar_through_DAPR_GRPC_PORT()
    {
        // sdk-app saves through AddDapr()'s DaprClient (no endpoint configured: DAPR_GRPC_PORT from `dapr run`); the suite reads it back.
        var key = Marker.New("from-app");
        var response = await fixture.SdkAppHttp.PostAsync($"/test/client/state/{key}", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        (await Client.GetStateAsync<Widget>(Store, key)).Should().Be(new Widget(key, 42, "from-app"));
    }
}
