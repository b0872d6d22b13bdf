using Npgsql;

namespace DaprPlatform.DevHost.Tests;

[Collection("sidecar")]
public sealed class StateTests(SidecarFixture f)
{
    private static string Key() => "k-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<HttpResponseMessage> SaveAsync(string json, string store = "statestore")
        => await f.CallerSidecar.PostAsync($"/v1.0/state/{store}", SidecarFixture.Json(json));

    [Fact]
    public async Task Missing_key_returns_204_with_an_empty_body()
    {
        using var response = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{Key()}");

        // Dapr rule: a missing key is 204, not 404 (state API).
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Save_array_returns_204_and_get_returns_the_raw_value_with_an_ETag_header()
    {
        var key = Key();
        using var save = await SaveAsync($$$"""[{"key":"{{{key}}}","value":{"name":"Ada","n":1}}]""");
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var get = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");

        // Dapr rule: get → 200 with the stored JSON and an ETag header.
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString().Should().Be("Ada");
        // Dapr sends the ETag unquoted, so read the raw header.
        get.Headers.GetValues("ETag").Single().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Empty_array_save_is_204_and_missing_key_is_400()
    {
        using var empty = await SaveAsync("[]");
        empty.StatusCode.Should().Be(HttpStatusCode.NoContent, "an empty save array is 204 (state API)");

        using var noKey = await SaveAsync("""[{"value":1}]""");
        noKey.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a save item without key is 400 (state API)");
        await SidecarFixture.ErrorOf(noKey);
    }

    [Fact]
    public async Task Keys_are_stored_as_appid_pipe_pipe_key_and_other_apps_do_not_see_them()
    {
        var key = Key();
        (await SaveAsync($$$"""[{"key":"{{{key}}}","value":"caller-value"}]""")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Dapr rule: keys are prefixed "<appId>||<key>" (state.postgresql v1 table: key, value jsonb, isbinary …).
        await using var conn = new NpgsqlConnection(NpgsqlConnectionStringBuilderFor(f.Files.Prefix + "devhost"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT value::text, isbinary FROM state WHERE key = $1", conn);
        cmd.Parameters.AddWithValue("caller||" + key);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetString(0).Should().Be("\"caller-value\"");
        reader.GetBoolean(1).Should().BeFalse();

        using var fromTarget = await f.TargetSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        fromTarget.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    private static string NpgsqlConnectionStringBuilderFor(string database)
        => new NpgsqlConnectionStringBuilder(PostgresDatabase.AdminConnectionString) { Database = database }.ConnectionString;

    [Fact]
    public async Task Key_containing_double_pipe_is_rejected_with_400()
    {
        using var save = await SaveAsync("""[{"key":"a||b","value":1}]""");

        // Dapr rule: "||" is not allowed inside a user key → 400 ERR_MALFORMED_REQUEST.
        save.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await SidecarFixture.ErrorOf(save)).GetProperty("errorCode").GetString().Should().Be("ERR_MALFORMED_REQUEST");

        using var get = await f.CallerSidecar.GetAsync("/v1.0/state/statestore/a%7C%7Cb");
        get.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ETag_mismatch_is_409_and_malformed_ETag_is_400_and_matching_ETag_succeeds()
    {
        var key = Key();
        await SaveAsync($$$"""[{"key":"{{{key}}}","value":1}]""");
        using var get = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        var etag = get.Headers.GetValues("ETag").Single();

        using var ok = await SaveAsync($$$"""[{"key":"{{{key}}}","value":2,"etag":"{{{etag}}}"}]""");
        ok.StatusCode.Should().Be(HttpStatusCode.NoContent, "a matching ETag saves (OCC)");

        // The ETag changed with the write, so the old one no longer matches.
        using var stale = await SaveAsync($$$"""[{"key":"{{{key}}}","value":3,"etag":"{{{etag}}}"}]""");
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict, "ETag mismatch → 409 (state API)");
        (await SidecarFixture.ErrorOf(stale)).GetProperty("errorCode").GetString().Should().Be("ERR_STATE_SAVE");

        using var malformed = await SaveAsync($$$"""[{"key":"{{{key}}}","value":3,"etag":"not-a-version"}]""");
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest, "malformed ETag → 400 (state API)");

        using var after = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        (await after.Content.ReadAsStringAsync()).Should().Be("2");
    }

    [Fact]
    public async Task First_write_without_ETag_on_an_existing_key_fails_as_no_item_updated_not_as_an_ETag_conflict()
    {
        var key = Key();
        using var first = await SaveAsync($$$"""[{"key":"{{{key}}}","value":1,"options":{"concurrency":"first-write"}}]""");
        first.StatusCode.Should().Be(HttpStatusCode.NoContent, "first-write on a new key succeeds");

        using var second = await SaveAsync($$$"""[{"key":"{{{key}}}","value":2,"options":{"concurrency":"first-write"}}]""");

        // Dapr rule: first-write with no ETag only succeeds when the key does not exist yet. state.postgresql v1 reports the
        // refused write as "no item was updated", not as an ETag error, so daprd answers 500 ERR_STATE_SAVE, not 409.
        second.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(second)).GetProperty("errorCode").GetString().Should().Be("ERR_STATE_SAVE");
        using var kept = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        (await kept.Content.ReadAsStringAsync()).Should().Be("1");

        using var lastWrite = await SaveAsync($$$"""[{"key":"{{{key}}}","value":3}]""");
        lastWrite.StatusCode.Should().Be(HttpStatusCode.NoContent, "without ETag and with last-write the last write wins");
    }

    [Fact]
    public async Task Delete_honours_If_Match()
    {
        var key = Key();
        await SaveAsync($$$"""[{"key":"{{{key}}}","value":1}]""");
        using var get = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        var etag = get.Headers.GetValues("ETag").Single();

        using var wrong = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/statestore/{key}");
        wrong.Headers.TryAddWithoutValidation("If-Match", "12345");
        (await f.CallerSidecar.SendAsync(wrong)).StatusCode.Should().Be(HttpStatusCode.Conflict, "delete with a wrong ETag → 409");

        using var right = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/statestore/{key}");
        right.Headers.TryAddWithoutValidation("If-Match", etag);
        (await f.CallerSidecar.SendAsync(right)).StatusCode.Should().Be(HttpStatusCode.NoContent, "delete → 204");

        (await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Bulk_get_returns_items_with_a_data_field_and_etag_and_missing_keys_without_data()
    {
        var (a, b, missing) = (Key(), Key(), Key());
        await SaveAsync($$$"""[{"key":"{{{a}}}","value":{"v":"a"}},{"key":"{{{b}}}","value":"b"}]""");
        using var response = await f.CallerSidecar.PostAsync("/v1.0/state/statestore/bulk", SidecarFixture.Json($$$"""{"keys":["{{{a}}}","{{{b}}}","{{{missing}}}"],"parallelism":2}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();

        // Dapr rule: bulk get items use the field "data" (daprd code), not "value".
        items.Should().HaveCount(3);
        items[0].GetProperty("key").GetString().Should().Be(a);
        items[0].GetProperty("data").GetProperty("v").GetString().Should().Be("a");
        items[0].GetProperty("etag").GetString().Should().NotBeNullOrEmpty();
        items[1].GetProperty("data").GetString().Should().Be("b");
        items[2].TryGetProperty("data", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Transaction_applies_upserts_and_deletes_atomically()
    {
        var (a, b) = (Key(), Key());
        await SaveAsync($$$"""[{"key":"{{{b}}}","value":"old"}]""");
        using var tx = await f.CallerSidecar.PostAsync("/v1.0/state/statestore/transaction", SidecarFixture.Json($$$"""
            {"operations":[{"operation":"upsert","request":{"key":"{{{a}}}","value":"new"}},{"operation":"delete","request":{"key":"{{{b}}}"}}]}
            """));

        tx.StatusCode.Should().Be(HttpStatusCode.NoContent, "transaction → 204");
        (await (await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{a}")).Content.ReadAsStringAsync()).Should().Be("\"new\"");
        (await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{b}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Transaction_with_a_stale_ETag_is_500_ERR_STATE_TRANSACTION_and_changes_nothing()
    {
        var (a, b) = (Key(), Key());
        await SaveAsync($$$"""[{"key":"{{{b}}}","value":"keep"}]""");
        using var tx = await f.CallerSidecar.PostAsync("/v1.0/state/statestore/transaction", SidecarFixture.Json($$$"""
            {"operations":[{"operation":"upsert","request":{"key":"{{{a}}}","value":"x"}},{"operation":"upsert","request":{"key":"{{{b}}}","value":"y","etag":"1"}}]}
            """));

        // Dapr rule: every transaction failure (ETag errors included) is 500 ERR_STATE_TRANSACTION.
        tx.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(tx)).GetProperty("errorCode").GetString().Should().Be("ERR_STATE_TRANSACTION");
        (await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{a}")).StatusCode.Should().Be(HttpStatusCode.NoContent, "nothing half-written");
    }

    [Fact]
    public async Task Unsupported_transaction_operation_is_400_ERR_NOT_SUPPORTED_STATE_OPERATION()
    {
        using var tx = await f.CallerSidecar.PostAsync("/v1.0/state/statestore/transaction", SidecarFixture.Json("""{"operations":[{"operation":"merge","request":{"key":"x"}}]}"""));

        tx.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await SidecarFixture.ErrorOf(tx)).GetProperty("errorCode").GetString().Should().Be("ERR_NOT_SUPPORTED_STATE_OPERATION");
    }

    [Fact]
    public async Task Unknown_store_is_400_ERR_STATE_STORE_NOT_FOUND()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/state/nostore/x");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_STATE_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task TtlInSeconds_metadata_expires_the_value()
    {
        var key = Key();
        using var save = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"short","metadata":{"ttlInSeconds":"1"}}]""");
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var fresh = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        fresh.StatusCode.Should().Be(HttpStatusCode.OK);
        fresh.Headers.Contains("metadata.ttlExpireTime").Should().BeTrue();

        await Task.Delay(1500);

        // Dapr rule: metadata.ttlInSeconds — an expired key reads as missing (204).
        (await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Non_JSON_content_type_is_stored_as_binary_and_returned_as_sent()
    {
        var key = Key();
        using var save = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"plain <text> & bytes","metadata":{"contentType":"text/plain"}}]""");
        save.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var get = await f.CallerSidecar.GetAsync($"/v1.0/state/statestore/{key}");
        (await get.Content.ReadAsStringAsync()).Should().Be("plain <text> & bytes");
    }
}
