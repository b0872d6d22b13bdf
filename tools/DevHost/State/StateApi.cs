using System.Globalization;
using DaprPlatform.DevHost.Sidecar;
using Grpc.Core;

namespace DaprPlatform.DevHost.State;

/// <summary>
/// A save or transactional upsert as either transport hands it over, the value already decoded: JSON text, or raw bytes
/// (stored with isbinary = true, as state.postgresql stores a []byte value).
/// </summary>
internal sealed record StateItem(string Key, string? Json, byte[]? Binary, string? ETag, bool FirstWrite, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A delete as either transport hands it over.</summary>
internal sealed record StateItemDelete(string Key, string? ETag, bool FirstWrite);

/// <summary>One key of a bulk read; <see cref="State"/> is null when the key does not exist.</summary>
internal sealed record BulkStateEntry(string Key, StoredState? State);

/// <summary>
/// The state building block behind both the HTTP and the gRPC listener of one sidecar, so the two cannot disagree:
/// store lookup, key prefixes, ETags, first-write, TTL and the error each case gets (daprd's pkg/api/grpc/grpc.go and
/// pkg/api/errors/state.go give the HTTP status and gRPC code of each).
/// </summary>
internal sealed class StateApi(SidecarRuntime sidecar)
{
    public async Task<StoredState?> GetAsync(string store, string key, CancellationToken ct)
        => await Store(store).GetAsync(StoredKey(store, key), ct);

    public async Task<IReadOnlyList<BulkStateEntry>> GetBulkAsync(string store, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var stateStore = Store(store);
        var stored = keys.Select(k => StoredKey(store, k)).ToList();
        var result = new List<BulkStateEntry>(keys.Count);
        for (var i = 0; i < keys.Count; i++) { result.Add(new BulkStateEntry(keys[i], await stateStore.GetAsync(stored[i], ct))); }
        return result;
    }

    /// <summary>Saves every item; more than one is one database transaction, as state.postgresql's BulkSet is.</summary>
    public async Task SaveAsync(string store, IReadOnlyList<StateItem> items, CancellationToken ct)
    {
        var stateStore = Store(store);
        if (items.Count == 0) { return; }
        var writes = items.Select(i => ToWrite(store, i)).ToList();
        try
        {
            if (writes.Count == 1) { await stateStore.SetAsync(writes[0], ct); }
            else { await stateStore.TransactAsync(writes, ct); }
        }
        catch (StateETagException ex)
        {
            throw ETagFailure(ex, "ERR_STATE_SAVE", $"failed saving state in state store {store}");
        }
        catch (InvalidOperationException ex)
        {
            throw new DaprApiException("ERR_STATE_SAVE", $"failed saving state in state store {store}: {ex.Message}", 500, StatusCode.Internal);
        }
    }

    public async Task DeleteAsync(string store, StateItemDelete delete, CancellationToken ct)
    {
        var stateStore = Store(store);
        try
        {
            await stateStore.DeleteAsync(ToDelete(store, delete), ct);
        }
        catch (StateETagException ex)
        {
            throw ETagFailure(ex, "ERR_STATE_DELETE", $"failed deleting state with key {delete.Key}");
        }
    }

    /// <summary>DeleteBulkState: one database transaction, as state.postgresql's BulkDelete is.</summary>
    public async Task DeleteBulkAsync(string store, IReadOnlyList<StateItemDelete> deletes, CancellationToken ct)
    {
        var stateStore = Store(store);
        if (deletes.Count == 0) { return; }
        try
        {
            await stateStore.TransactAsync(deletes.Select(d => (object)ToDelete(store, d)).ToList(), ct);
        }
        catch (StateETagException ex)
        {
            throw ETagFailure(ex, "ERR_STATE_DELETE_BULK", $"failed deleting state in state store {store}");
        }
    }

    /// <summary>ExecuteStateTransaction: every failure inside is 500 / INTERNAL ERR_STATE_TRANSACTION, ETag errors included.</summary>
    public async Task TransactAsync(string store, IReadOnlyList<object> operations, CancellationToken ct)
    {
        var stateStore = Store(store);
        var stored = operations.Select(op => op switch
        {
            StateItem item => (object)ToWrite(store, item),
            StateItemDelete delete => ToDelete(store, delete),
            _ => throw new ArgumentException("unknown state operation", nameof(operations)),
        }).ToList();
        try
        {
            await stateStore.TransactAsync(stored, ct);
        }
        catch (Exception ex) when (ex is StateETagException or InvalidOperationException or Npgsql.PostgresException)
        {
            throw new DaprApiException("ERR_STATE_TRANSACTION", $"error while executing state transaction: {ex.Message}", 500, StatusCode.Internal);
        }
    }

    /// <summary>Fails as daprd does when the store is not there, before a request body is looked at.</summary>
    public void EnsureStore(string store) => Store(store);

    public static DaprApiException Malformed(string message) => new("ERR_MALFORMED_REQUEST", message, 400, StatusCode.InvalidArgument);

    private PostgresStateStore Store(string store)
    {
        if (sidecar.StateStores.Count == 0)
        {
            throw new DaprApiException("ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured", 500, StatusCode.FailedPrecondition);
        }

        return sidecar.StateStores.TryGetValue(store, out var stateStore)
            ? stateStore
            : throw new DaprApiException("ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found", 400, StatusCode.InvalidArgument);
    }

    private string StoredKey(string store, string key)
    {
        // daprd's GetModifiedStateKey: the app-id prefix separator may not appear in a key.
        if (key.Contains("||", StringComparison.Ordinal))
        {
            throw Malformed($"input key/keyPrefix '{key}' can't contain '||'");
        }

        return sidecar.KeyPrefix(store) + key;
    }

    private StateWrite ToWrite(string store, StateItem item)
    {
        if (item.Key.Length == 0)
        {
            throw new DaprApiException("ERR_STATE_SAVE", "state key cannot be empty", 400, StatusCode.InvalidArgument);
        }

        return new StateWrite(StoredKey(store, item.Key), item.Json, item.Binary, item.ETag, item.FirstWrite, Ttl(store, item.Metadata));
    }

    private StateDelete ToDelete(string store, StateItemDelete delete) => new(StoredKey(store, delete.Key), delete.ETag, delete.FirstWrite);

    /// <summary>metadata.ttlInSeconds: -1 = never expires; anything unparsable is a store error, as in state.postgresql.</summary>
    private static TimeSpan? Ttl(string store, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var raw)) { return null; }
        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
        {
            throw new DaprApiException("ERR_STATE_SAVE", $"failed saving state in state store {store}: error parsing TTL: invalid value for ttlInSeconds: '{raw}'", 500, StatusCode.Internal);
        }

        return seconds == -1 ? null : TimeSpan.FromSeconds(seconds);
    }

    // An ETag mismatch is 409 / ABORTED (the status the SDK's TrySaveStateAsync turns into false), a malformed ETag 400 / INVALID_ARGUMENT.
    private static DaprApiException ETagFailure(StateETagException ex, string code, string failed) => ex.Problem == ETagProblem.Mismatch
        ? new DaprApiException(code, $"{failed}: possible etag mismatch. error from state store: {ex.Message}", 409, StatusCode.Aborted)
        : new DaprApiException(code, $"{failed}: possible etag mismatch. error from state store: {ex.Message}", 400, StatusCode.InvalidArgument);
}
