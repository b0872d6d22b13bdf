using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar;

// Wire shapes of the state API (dapr-protocol.md 1.2). Value is object so the runtime type is serialized.
internal sealed record StateItemWire(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] object? Value,
    [property: JsonPropertyName("etag"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ETag,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StateOptionsWire? Options);

internal sealed record StateOptionsWire(
    [property: JsonPropertyName("concurrency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Concurrency,
    [property: JsonPropertyName("consistency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Consistency)
{
    public static StateOptionsWire? From(StateOptions? options) =>
        options is null || (options.Concurrency is null && options.Consistency is null)
            ? null
            : new StateOptionsWire(StateWire.Name(options.Concurrency), StateWire.Name(options.Consistency));
}

internal sealed record BulkGetRequestWire(
    [property: JsonPropertyName("keys")] IReadOnlyList<string> Keys,
    [property: JsonPropertyName("parallelism"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Parallelism);

internal sealed record TransactionWire(
    [property: JsonPropertyName("operations")] IReadOnlyList<TransactionOperationWire> Operations,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record TransactionOperationWire(
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("request")] TransactionItemWire Request);

// Separate from StateItemWire because a delete carries no value at all.
internal sealed record TransactionItemWire(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Value,
    [property: JsonPropertyName("etag"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ETag,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StateOptionsWire? Options);

internal static class StateWire
{
    public static string? Name(ConcurrencyMode? mode) => mode switch
    {
        ConcurrencyMode.FirstWrite => "first-write",
        ConcurrencyMode.LastWrite => "last-write",
        _ => null,
    };

    public static string? Name(ConsistencyMode? mode) => mode switch
    {
        ConsistencyMode.Eventual => "eventual",
        ConsistencyMode.Strong => "strong",
        _ => null,
    };

    public static string Name(StateOperationType operation) => operation switch
    {
        StateOperationType.Upsert => "upsert",
        StateOperationType.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown state operation."),
    };
}
