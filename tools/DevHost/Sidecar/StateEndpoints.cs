using System.Text;
using System.Text.Json;
using DaprPlatform.DevHost.State;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>State API (Dapr docs: reference/api/state_api; status codes as daprd's HTTP handlers return them).</summary>
internal static class StateEndpoints
{
    public static void Map(WebApplication app, SidecarRuntime sidecar)
    {
        var api = new StateApi(sidecar);
        app.MapMethods("/v1.0/state/{store}", ["POST", "PUT"], (HttpContext ctx, string store) => Handle(() => SaveAsync(ctx, api, store)));
        app.MapGet("/v1.0/state/{store}/{key}", (HttpContext ctx, string store, string key) => Handle(() => GetAsync(ctx, api, store, key)));
        app.MapDelete("/v1.0/state/{store}/{key}", (HttpContext ctx, string store, string key) => Handle(async () =>
        {
            var etag = ctx.Request.Headers.IfMatch.ToString();
            await api.DeleteAsync(store, new StateItemDelete(key, etag.Length > 0 ? etag : null, ctx.Request.Query["concurrency"] == "first-write"), ctx.RequestAborted);
            return Results.NoContent();
        }));
        app.MapMethods("/v1.0/state/{store}/bulk", ["POST", "PUT"], (HttpContext ctx, string store) => Handle(() => BulkGetAsync(ctx, api, store)));
        app.MapMethods("/v1.0/state/{store}/transaction", ["POST", "PUT"], (HttpContext ctx, string store) => Handle(() => TransactionAsync(ctx, api, store)));

        // DevHost does not implement the alpha query API; it answers as daprd does for a store without query support.
        app.MapMethods("/v1.0-alpha1/state/{store}/query", ["POST", "PUT"], (string store)
            => DaprError.Result(500, "ERR_STATE_QUERY", $"failed query in state store {store}: state store does not support querying (DevHost does not implement the query API)"));
    }

    private static async Task<IResult> Handle(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpContext ctx)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An HTTP state item: the value is JSON; a string value with a non-JSON contentType is kept as its bytes.</summary>
    private static StateItem ToItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw StateApi.Malformed("failed deserializing HTTP body: each state item must be an object");
        }

        if (!item.TryGetProperty("key", out var keyEl) || keyEl.ValueKind != JsonValueKind.String || keyEl.GetString() is not { Length: > 0 } key)
        {
            throw StateApi.Malformed("failed deserializing HTTP body: a state item has no key");
        }

        var metadata = StringMap(item, "metadata");
        var value = item.TryGetProperty("value", out var v) ? v : default;
        string? json = value.ValueKind == JsonValueKind.Undefined ? "null" : value.GetRawText();
        byte[]? binary = null;
        if (value.ValueKind == JsonValueKind.String && metadata.TryGetValue("contentType", out var contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            binary = Encoding.UTF8.GetBytes(value.GetString()!);
            json = null;
        }

        return new StateItem(key, json, binary, ETagOf(item), Concurrency(item) == "first-write", metadata);
    }

    private static string? ETagOf(JsonElement item)
        => item.TryGetProperty("etag", out var e) ? e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        } : null;

    private static string? Concurrency(JsonElement item)
        => item.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("concurrency", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString() : null;

    private static Dictionary<string, string> StringMap(JsonElement item, string property)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in m.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return map;
    }

    private static async Task<IResult> SaveAsync(HttpContext ctx, StateApi api, string store)
    {
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Array } items)
        {
            // The store is looked up first, as daprd does: an unknown store is reported before a malformed body.
            api.EnsureStore(store);
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected a JSON array of state items");
        }

        await api.SaveAsync(store, items.EnumerateArray().Select(ToItem).ToList(), ctx.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(HttpContext ctx, StateApi api, string store, string key)
    {
        var state = await api.GetAsync(store, key, ctx.RequestAborted);

        // A missing key is 204 with an empty body, not 404.
        if (state is null) { return Results.NoContent(); }
        ctx.Response.Headers.ETag = state.ETag;
        if (state.TtlExpireTime is { } expires)
        {
            ctx.Response.Headers["metadata.ttlExpireTime"] = expires;
        }

        return Results.Bytes(state.Bytes, state.Binary is null ? "application/json" : "application/octet-stream");
    }

    private static async Task<IResult> BulkGetAsync(HttpContext ctx, StateApi api, string store)
    {
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Object } req || !req.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            api.EnsureStore(store);
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected {\"keys\":[…]}");
        }

        var entries = await api.GetBulkAsync(store, keys.EnumerateArray().Select(k => k.GetString() ?? "").ToList(), ctx.RequestAborted);
        var result = entries.Select(e =>
        {
            var entry = new Dictionary<string, object?> { ["key"] = e.Key };
            if (e.State is { } state)
            {
                // daprd's bulk response names the value field "data".
                entry["data"] = state.Binary is not null ? Convert.ToBase64String(state.Binary) : JsonDocument.Parse(state.Json!).RootElement.Clone();
                entry["etag"] = state.ETag;
            }

            return entry;
        });
        return Results.Json(result);
    }

    private static async Task<IResult> TransactionAsync(HttpContext ctx, StateApi api, string store)
    {
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Object } req || !req.TryGetProperty("operations", out var ops) || ops.ValueKind != JsonValueKind.Array)
        {
            api.EnsureStore(store);
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected {\"operations\":[…]}");
        }

        var operations = new List<object>();
        foreach (var op in ops.EnumerateArray())
        {
            var kind = op.TryGetProperty("operation", out var o) ? o.GetString() : null;
            var request = op.TryGetProperty("request", out var r) ? r : default;
            switch (kind)
            {
                case "upsert":
                    operations.Add(ToItem(request));
                    break;
                case "delete":
                    if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("key", out var key) || key.GetString() is not { Length: > 0 } k)
                    {
                        throw StateApi.Malformed("failed deserializing HTTP body: a delete operation has no key");
                    }

                    operations.Add(new StateItemDelete(k, ETagOf(request), Concurrency(request) == "first-write"));
                    break;
                default:
                    return DaprError.Result(400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {kind} not supported");
            }
        }

        await api.TransactAsync(store, operations, ctx.RequestAborted);
        return Results.NoContent();
    }
}
