using System.Globalization;
using System.Text;
using System.Text.Json;
using DaprPlatform.DevHost.State;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>State API (Dapr docs: reference/api/state_api; status codes as daprd's HTTP handlers return them).</summary>
internal static class StateEndpoints
{
    private sealed class BadRequestException(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    public static void Map(WebApplication app, SidecarRuntime sidecar)
    {
        app.MapMethods("/v1.0/state/{store}", ["POST", "PUT"], (HttpContext ctx, string store) => SaveAsync(ctx, sidecar, store));
        app.MapGet("/v1.0/state/{store}/{key}", (HttpContext ctx, string store, string key) => GetAsync(ctx, sidecar, store, key));
        app.MapDelete("/v1.0/state/{store}/{key}", (HttpContext ctx, string store, string key) => DeleteAsync(ctx, sidecar, store, key));
        app.MapMethods("/v1.0/state/{store}/bulk", ["POST", "PUT"], (HttpContext ctx, string store) => BulkGetAsync(ctx, sidecar, store));
        app.MapMethods("/v1.0/state/{store}/transaction", ["POST", "PUT"], (HttpContext ctx, string store) => TransactionAsync(ctx, sidecar, store));

        // DevHost does not implement the alpha query API; it answers as daprd does for a store without query support.
        app.MapMethods("/v1.0-alpha1/state/{store}/query", ["POST", "PUT"], (string store)
            => DaprError.Result(500, "ERR_STATE_QUERY", $"failed query in state store {store}: state store does not support querying (DevHost does not implement the query API)"));
    }

    private static IResult? ResolveStore(SidecarRuntime sidecar, string store, out PostgresStateStore? stateStore)
    {
        stateStore = null;
        if (sidecar.StateStores.Count == 0)
        {
            return DaprError.Result(500, "ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured");
        }

        if (!sidecar.StateStores.TryGetValue(store, out stateStore))
        {
            return DaprError.Result(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found");
        }

        return null;
    }

    private static string StoredKey(SidecarRuntime sidecar, string store, string key)
    {
        if (key.Contains("||", StringComparison.Ordinal))
        {
            throw new BadRequestException("ERR_MALFORMED_REQUEST", $"input key/keyPrefix '{key}' can't contain '||'");
        }

        return sidecar.KeyPrefix(store) + key;
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

    private static StateWrite ToWrite(SidecarRuntime sidecar, string store, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: each state item must be an object");
        }

        if (!item.TryGetProperty("key", out var keyEl) || keyEl.ValueKind != JsonValueKind.String || keyEl.GetString() is not { Length: > 0 } key)
        {
            throw new BadRequestException("ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: a state item has no key");
        }

        var metadata = StringMap(item, "metadata");
        var value = item.TryGetProperty("value", out var v) ? v : default;
        string? json = value.ValueKind == JsonValueKind.Undefined ? "null" : value.GetRawText();
        byte[]? binary = null;
        if (value.ValueKind == JsonValueKind.String && metadata.TryGetValue("contentType", out var contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            // A non-JSON content type: keep the bytes exactly as sent (isbinary = true).
            binary = Encoding.UTF8.GetBytes(value.GetString()!);
            json = null;
        }

        return new StateWrite(
            StoredKey(sidecar, store, key),
            json,
            binary,
            ETagOf(item),
            Concurrency(item) == "first-write",
            Ttl(metadata));
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

    /// <summary>metadata.ttlInSeconds: -1 = never expires; anything unparsable is a store error as in state.postgresql.</summary>
    private static TimeSpan? Ttl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var raw)) { return null; }
        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
        {
            throw new InvalidOperationException($"error parsing TTL: invalid value for ttlInSeconds: '{raw}'");
        }

        return seconds == -1 ? null : TimeSpan.FromSeconds(seconds);
    }

    private static async Task<IResult> SaveAsync(HttpContext ctx, SidecarRuntime sidecar, string store)
    {
        if (ResolveStore(sidecar, store, out var stateStore) is { } error) { return error; }
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Array } items)
        {
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected a JSON array of state items");
        }

        try
        {
            var writes = items.EnumerateArray().Select(i => ToWrite(sidecar, store, i)).ToList();
            foreach (var w in writes) { await stateStore!.SetAsync(w, ctx.RequestAborted); }
            return Results.NoContent();
        }
        catch (BadRequestException ex)
        {
            return DaprError.Result(400, ex.Code, ex.Message);
        }
        catch (StateETagException ex)
        {
            return ETagFailure(ex, "ERR_STATE_SAVE", $"failed saving state in state store {store}");
        }
        catch (InvalidOperationException ex)
        {
            return DaprError.Result(500, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {ex.Message}");
        }
    }

    // Save and delete report ETag failures alike: a mismatch is 409, a malformed or missing ETag 400 (state API).
    private static IResult ETagFailure(StateETagException ex, string code, string failed)
        => DaprError.Result(ex.Problem == ETagProblem.Mismatch ? 409 : 400, code, $"{failed}: possible etag mismatch. error from state store: {ex.Message}");

    private static async Task<IResult> GetAsync(HttpContext ctx, SidecarRuntime sidecar, string store, string key)
    {
        if (ResolveStore(sidecar, store, out var stateStore) is { } error) { return error; }
        StoredState? state;
        try
        {
            state = await stateStore!.GetAsync(StoredKey(sidecar, store, key), ctx.RequestAborted);
        }
        catch (BadRequestException ex)
        {
            return DaprError.Result(400, ex.Code, ex.Message);
        }

        // A missing key is 204 with an empty body, not 404.
        if (state is null) { return Results.NoContent(); }
        ctx.Response.Headers.ETag = state.ETag;
        if (state.ExpiresAt is { } expires)
        {
            ctx.Response.Headers["metadata.ttlExpireTime"] = expires.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return Results.Bytes(state.Bytes, state.Binary is null ? "application/json" : "application/octet-stream");
    }

    private static async Task<IResult> DeleteAsync(HttpContext ctx, SidecarRuntime sidecar, string store, string key)
    {
        if (ResolveStore(sidecar, store, out var stateStore) is { } error) { return error; }
        try
        {
            var etag = ctx.Request.Headers.IfMatch.ToString();
            await stateStore!.DeleteAsync(
                new StateDelete(StoredKey(sidecar, store, key), etag.Length > 0 ? etag : null, ctx.Request.Query["concurrency"] == "first-write"),
                ctx.RequestAborted);
            return Results.NoContent();
        }
        catch (BadRequestException ex)
        {
            return DaprError.Result(400, ex.Code, ex.Message);
        }
        catch (StateETagException ex)
        {
            return ETagFailure(ex, "ERR_STATE_DELETE", $"failed deleting state with key {key}");
        }
    }

    private static async Task<IResult> BulkGetAsync(HttpContext ctx, SidecarRuntime sidecar, string store)
    {
        if (ResolveStore(sidecar, store, out var stateStore) is { } error) { return error; }
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Object } req || !req.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected {\"keys\":[…]}");
        }

        var result = new List<Dictionary<string, object?>>();
        try
        {
            foreach (var k in keys.EnumerateArray())
            {
                var key = k.GetString() ?? "";
                var state = await stateStore!.GetAsync(StoredKey(sidecar, store, key), ctx.RequestAborted);
                var entry = new Dictionary<string, object?> { ["key"] = key };
                if (state is not null)
                {
                    // daprd's bulk response names the value field "data".
                    entry["data"] = state.Binary is not null ? Convert.ToBase64String(state.Binary) : JsonDocument.Parse(state.Json!).RootElement.Clone();
                    entry["etag"] = state.ETag;
                }

                result.Add(entry);
            }
        }
        catch (BadRequestException ex)
        {
            return DaprError.Result(400, ex.Code, ex.Message);
        }

        return Results.Json(result);
    }

    private static async Task<IResult> TransactionAsync(HttpContext ctx, SidecarRuntime sidecar, string store)
    {
        if (ResolveStore(sidecar, store, out var stateStore) is { } error) { return error; }
        var body = await ReadJsonAsync(ctx);
        if (body is not { ValueKind: JsonValueKind.Object } req || !req.TryGetProperty("operations", out var ops) || ops.ValueKind != JsonValueKind.Array)
        {
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected {\"operations\":[…]}");
        }

        var operations = new List<object>();
        try
        {
            foreach (var op in ops.EnumerateArray())
            {
                var kind = op.TryGetProperty("operation", out var o) ? o.GetString() : null;
                var request = op.TryGetProperty("request", out var r) ? r : default;
                switch (kind)
                {
                    case "upsert":
                        operations.Add(ToWrite(sidecar, store, request));
                        break;
                    case "delete":
                        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("key", out var key) || key.GetString() is not { Length: > 0 } k)
                        {
                            throw new BadRequestException("ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: a delete operation has no key");
                        }

                        operations.Add(new StateDelete(StoredKey(sidecar, store, k), ETagOf(request), Concurrency(request) == "first-write"));
                        break;
                    default:
                        return DaprError.Result(400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {kind} not supported");
                }
            }

            await stateStore!.TransactAsync(operations, ctx.RequestAborted);
            return Results.NoContent();
        }
        catch (BadRequestException ex)
        {
            return DaprError.Result(400, ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is StateETagException or InvalidOperationException or Npgsql.PostgresException)
        {
            // Every failure inside a transaction is 500 ERR_STATE_TRANSACTION, ETag errors included.
            return DaprError.Result(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {ex.Message}");
        }
    }
}
