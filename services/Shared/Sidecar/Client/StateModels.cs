using System.Text.Json;

namespace DaprPlatform.Sidecar;

public enum ConsistencyMode
{
    Eventual,
    Strong,
}

public enum ConcurrencyMode
{
    FirstWrite,
    LastWrite,
}

public sealed record StateOptions(ConcurrencyMode? Concurrency = null, ConsistencyMode? Consistency = null);

public sealed record StateEntry<T>(string Key, T? Value, string? ETag);

public sealed record SaveStateItem(
    string Key,
    object? Value,
    string? ETag = null,
    StateOptions? Options = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

public sealed record BulkStateItem(string Key, JsonElement? Data, string? ETag, string? Error)
{
    /// <summary>The stored value as <typeparamref name="T"/>; default when the key had no value.</summary>
    public T? As<T>() =>
        Data is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } data
            ? data.Deserialize<T>(SidecarJson.Options)
            : default;
}

public enum StateOperationType
{
    Upsert,
    Delete,
}

public sealed record StateTransactionRequest(
    string Key,
    StateOperationType Operation,
    object? Value = null,
    string? ETag = null,
    StateOptions? Options = null,
    IReadOnlyDictionary<string, string>? Metadata = null);
