using System.Text.Json;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>
/// The JSON an app sends back to its sidecar — GET /dapr/subscribe, GET /dapr/config, the reply to a pub/sub delivery —
/// read the way daprd reads it, with Go's encoding/json Decoder into the structs below: field names match
/// case-insensitively (Dapr.AspNetCore answers <c>pubsubName</c>, daprd's tag is <c>pubsubname</c>), only the first JSON
/// value of the body counts, an empty body is io.EOF, a value of the wrong type is an error, and a JSON null leaves a
/// field unset. Enum-like values such as <c>status</c> are compared as sent: Go compares strings case-sensitively.
/// </summary>
internal static class AppReplies
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
    };

    /// <summary>
    /// Decodes the first JSON value of <paramref name="body"/>. False when the body holds no value at all (Go's io.EOF);
    /// a JsonException when it is not JSON or a field has the wrong type. A top-level null gives <c>default</c>.
    /// </summary>
    public static bool TryDecode<T>(ReadOnlySpan<byte> body, out T? value)
    {
        value = default;
        if (body.Trim(" \t\r\n"u8).IsEmpty) { return false; }

        // AllowMultipleValues: like json.Decoder.Decode, whatever follows the first value is not read.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        value = JsonSerializer.Deserialize<T>(ref reader, Options);
        return true;
    }
}

/// <summary>One item of GET /dapr/subscribe (daprd pkg/runtime/pubsub/subscriptions.go SubscriptionJSON).</summary>
internal sealed record SubscriptionReply(
    string? PubsubName,
    string? Topic,
    string? DeadLetterTopic,
    Dictionary<string, string?>? Metadata,
    string? Route,
    RoutesReply? Routes,
    BulkSubscribeReply? BulkSubscribe);

internal sealed record RoutesReply(List<RuleReply?>? Rules, string? Default);

internal sealed record RuleReply(string? Match, string? Path);

internal sealed record BulkSubscribeReply(bool? Enabled, int? MaxMessagesCount, int? MaxAwaitDurationMs);

/// <summary>
/// One <c>entitiesConfig</c> item of GET /dapr/config: settings for the listed types only (daprd pkg/config/app_configuration.go
/// EntityConfig). <c>actorScanInterval</c> is no longer read by daprd; DevHost still uses it as the cadence of its idle-actor
/// scan. <c>remindersStoragePartitions</c> is deprecated and, as in daprd, has no effect.
/// </summary>
internal record EntityConfigReply
{
    public List<string?>? Entities { get; init; }

    public string? ActorIdleTimeout { get; init; }

    public string? ActorScanInterval { get; init; }

    public string? DrainOngoingCallTimeout { get; init; }

    public bool? DrainRebalancedActors { get; init; }

    public ReentrancyReply? Reentrancy { get; init; }

    public int? RemindersStoragePartitions { get; init; }
}

/// <summary>GET /dapr/config (daprd ApplicationConfig): the settings of every listed type, then per-type overrides.</summary>
internal sealed record ApplicationConfigReply : EntityConfigReply
{
    public List<EntityConfigReply?>? EntitiesConfig { get; init; }
}

internal sealed record ReentrancyReply(bool? Enabled, int? MaxStackDepth);

/// <summary>The reply to one pub/sub delivery (components-contrib pubsub/responses.go AppResponse).</summary>
internal sealed record DeliveryReply(string? Status);

/// <summary>The reply to a bulk delivery: a status per entry (components-contrib pubsub/responses.go AppBulkResponse).</summary>
internal sealed record BulkDeliveryReply(List<BulkDeliveryEntryReply?>? Statuses);

internal sealed record BulkDeliveryEntryReply(string? EntryId, string? Status);

/// <summary>The statuses an app may answer a delivery with, spelled exactly as daprd compares them.</summary>
internal static class DeliveryStatus
{
    public const string Success = "SUCCESS";
    public const string Retry = "RETRY";
    public const string Drop = "DROP";
}
