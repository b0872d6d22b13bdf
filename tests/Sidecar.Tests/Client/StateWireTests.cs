using System.Text.Json;
using DaprPlatform.Sidecar.Tests.Infrastructure;

namespace DaprPlatform.Sidecar.Tests.Client;

public sealed class StateWireTests
{
    private sealed record Cart(string Owner, int Items);

    [Fact]
    public async Task Missing_key_is_204_and_maps_to_default()
    {
        // State API: a missing key answers 204 with an empty body, not 404.
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();

        var cart = await client.GetStateAsync<Cart>("statestore", "cart-1", ConsistencyMode.Strong, new Dictionary<string, string> { ["partitionKey"] = "p1" });
        var entry = await client.GetStateEntryAsync<Cart>("statestore", "cart-1");

        cart.Should().BeNull();
        entry.Should().Be(new StateEntry<Cart>("cart-1", null, null));
        var get = sidecar.Requests.First();
        get.Method.Should().Be("GET");
        get.Path.Should().Be("/v1.0/state/statestore/cart-1");
        get.Query.Should().Be("?consistency=strong&metadata.partitionKey=p1");
    }

    [Fact]
    public async Task Get_returns_the_raw_value_and_the_unquoted_ETag_header()
    {
        // State API: 200 with the stored JSON as body and the ETag response header.
        await using var sidecar = await FakeSidecar.StartAsync((ctx, _) =>
            FakeSidecar.Respond(ctx, 200, """{"owner":"ada","items":3}""", new Dictionary<string, string> { ["ETag"] = "17" }));
        var client = sidecar.CreateClient();

        var entry = await client.GetStateEntryAsync<Cart>("statestore", "cart-1");

        entry.Value.Should().Be(new Cart("ada", 3));
        entry.ETag.Should().Be("17");
    }

    [Fact]
    public async Task Save_posts_the_array_form_with_options_and_metadata()
    {
        // State API: save is always an array of {key, value, etag?, metadata?, options{concurrency, consistency}} → 204.
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();

        await client.SaveStateAsync("statestore", "cart-1", new Cart("ada", 3), new StateOptions(ConcurrencyMode.FirstWrite, ConsistencyMode.Strong), new Dictionary<string, string> { ["ttlInSeconds"] = "60" });

        var request = sidecar.Single;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1.0/state/statestore");
        var item = JsonDocument.Parse(request.Body).RootElement.EnumerateArray().Single();
        item.GetProperty("key").GetString().Should().Be("cart-1");
        item.GetProperty("value").GetProperty("owner").GetString().Should().Be("ada");
        item.GetProperty("options").GetProperty("concurrency").GetString().Should().Be("first-write");
        item.GetProperty("options").GetProperty("consistency").GetString().Should().Be("strong");
        item.GetProperty("metadata").GetProperty("ttlInSeconds").GetString().Should().Be("60");
        item.TryGetProperty("etag", out _).Should().BeFalse("no ETag means last write wins");
    }

    [Fact]
    public async Task TrySave_with_a_stale_ETag_returns_false_on_409()
    {
        // State API: ETag mismatch → 409 Conflict.
        await using var sidecar = await FakeSidecar.StartAsync(409, """{"errorCode":"ERR_STATE_SAVE","message":"possible etag mismatch"}""");
        var client = sidecar.CreateClient();

        var saved = await client.TrySaveStateAsync("statestore", "cart-1", new Cart("ada", 4), "16");

        saved.Should().BeFalse();
        JsonDocument.Parse(sidecar.Single.Body).RootElement[0].GetProperty("etag").GetString().Should().Be("16");
    }

    [Fact]
    public async Task Bulk_save_with_a_stale_ETag_throws_StateConcurrencyException()
    {
        // State API: ETag mismatch → 409 Conflict.
        await using var sidecar = await FakeSidecar.StartAsync(409, """{"errorCode":"ERR_STATE_SAVE","message":"possible etag mismatch"}""");
        var client = sidecar.CreateClient();

        var save = () => client.SaveBulkStateAsync("statestore", [new SaveStateItem("cart-1", new Cart("a", 1), "3")]);

        var error = (await save.Should().ThrowAsync<StateConcurrencyException>()).Which;
        error.Key.Should().Be("cart-1");
        error.StatusCode.Should().Be(409);
        error.ErrorCode.Should().Be("ERR_STATE_SAVE");
    }

    [Fact]
    public async Task Delete_sends_If_Match_and_options_as_query_and_409_is_a_concurrency_exception()
    {
        // State API: DELETE with If-Match; concurrency/consistency as query params; mismatch → 409.
        await using var sidecar = await FakeSidecar.StartAsync(409);
        var client = sidecar.CreateClient();

        var delete = () => client.DeleteStateAsync("statestore", "cart-1", "5", new StateOptions(ConcurrencyMode.FirstWrite, ConsistencyMode.Eventual));
        await delete.Should().ThrowAsync<StateConcurrencyException>();
        (await client.TryDeleteStateAsync("statestore", "cart-1", "5")).Should().BeFalse();

        var first = sidecar.Requests.First();
        first.Method.Should().Be("DELETE");
        first.Path.Should().Be("/v1.0/state/statestore/cart-1");
        first.Query.Should().Be("?concurrency=first-write&consistency=eventual");
        first.Header("if-match").Should().Be("5");
    }

    [Fact]
    public async Task Dapr_error_body_becomes_SidecarException_with_code_status_and_body()
    {
        // State API: unknown store → 400 ERR_STATE_STORE_NOT_FOUND.
        const string body = """{"errorCode":"ERR_STATE_STORE_NOT_FOUND","message":"state store nope is not found"}""";
        await using var sidecar = await FakeSidecar.StartAsync(400, body);
        var client = sidecar.CreateClient();

        var get = () => client.GetStateAsync<Cart>("nope", "k");

        var error = (await get.Should().ThrowAsync<SidecarException>()).Which;
        error.Should().NotBeOfType<StateConcurrencyException>();
        error.StatusCode.Should().Be(400);
        error.ErrorCode.Should().Be("ERR_STATE_STORE_NOT_FOUND");
        error.ResponseBody.Should().Be(body);
        error.Message.Should().Contain("state store nope is not found");
    }

    [Fact]
    public async Task Bulk_get_reads_data_etag_and_error_per_key()
    {
        // State API: bulk get answers [{key, data, etag, error}] (the code uses "data", not "value").
        await using var sidecar = await FakeSidecar.StartAsync(200, """
            [{"key":"a","data":{"owner":"ada","items":1},"etag":"1"},
             {"key":"b"},
             {"key":"c","error":"boom"}]
            """);
        var client = sidecar.CreateClient();

        var items = await client.GetBulkStateAsync("statestore", ["a", "b", "c"], parallelism: 4);

        items.Select(i => i.Key).Should().Equal("a", "b", "c");
        items[0].As<Cart>().Should().Be(new Cart("ada", 1));
        items[0].ETag.Should().Be("1");
        items[1].Data.Should().BeNull();
        items[1].As<Cart>().Should().BeNull();
        items[2].Error.Should().Be("boom");
        var request = JsonDocument.Parse(sidecar.Single.Body).RootElement;
        sidecar.Single.Path.Should().Be("/v1.0/state/statestore/bulk");
        request.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).Should().Equal("a", "b", "c");
        request.GetProperty("parallelism").GetInt32().Should().Be(4);
    }

    [Fact]
    public async Task Transaction_posts_operations_with_upsert_and_delete_requests()
    {
        // State API: transaction body {"operations":[{"operation":"upsert"|"delete","request":{...}}],"metadata":{...}} → 204.
        await using var sidecar = await FakeSidecar.StartAsync(204);
        var client = sidecar.CreateClient();

        await client.ExecuteStateTransactionAsync(
            "statestore",
            [
                new StateTransactionRequest("a", StateOperationType.Upsert, new Cart("ada", 1), "2", new StateOptions(ConcurrencyMode.FirstWrite)),
                new StateTransactionRequest("b", StateOperationType.Delete, ETag: "9"),
            ],
            new Dictionary<string, string> { ["partitionKey"] = "p" });

        sidecar.Single.Path.Should().Be("/v1.0/state/statestore/transaction");
        var body = JsonDocument.Parse(sidecar.Single.Body).RootElement;
        var ops = body.GetProperty("operations").EnumerateArray().ToList();
        ops[0].GetProperty("operation").GetString().Should().Be("upsert");
        ops[0].GetProperty("request").GetProperty("value").GetProperty("items").GetInt32().Should().Be(1);
        ops[0].GetProperty("request").GetProperty("etag").GetString().Should().Be("2");
        ops[0].GetProperty("request").GetProperty("options").GetProperty("concurrency").GetString().Should().Be("first-write");
        ops[1].GetProperty("operation").GetString().Should().Be("delete");
        ops[1].GetProperty("request").TryGetProperty("value", out _).Should().BeFalse();
        body.GetProperty("metadata").GetProperty("partitionKey").GetString().Should().Be("p");
    }

    [Fact]
    public async Task Failed_transaction_is_a_SidecarException()
    {
        // State API: every transaction failure is 500 ERR_STATE_TRANSACTION.
        await using var sidecar = await FakeSidecar.StartAsync(500, """{"errorCode":"ERR_STATE_TRANSACTION","message":"etag mismatch"}""");
        var client = sidecar.CreateClient();

        var run = () => client.ExecuteStateTransactionAsync("statestore", [new StateTransactionRequest("a", StateOperationType.Delete)]);

        (await run.Should().ThrowAsync<SidecarException>()).Which.ErrorCode.Should().Be("ERR_STATE_TRANSACTION");
    }
}
