using System.Text.Json;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>
/// Opts a subscription into bulk delivery (<c>bulkSubscribe</c> in /dapr/subscribe, docs: pubsub-bulk "Subscribing messages in bulk").
/// The defaults are daprd's for components without native bulk subscribe: 100 messages, 1000 ms.
/// </summary>
public sealed record BulkSubscribeOptions(int MaxMessagesCount = 100, int MaxAwaitDurationMs = 1000)
{
    /// <summary>How many entries of one delivery a per-message <see cref="ITopicHandler{TEvent}"/> handles at once.</summary>
    public int MaxParallelism { get; init; } = 8;
}

/// <summary>One entry of a bulk delivery: the entry id the sidecar wants a status for, and the event it carries.</summary>
public sealed record BulkTopicEntry<TEvent>(
    string EntryId,
    TEvent Event,
    CloudEventEnvelope Envelope,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// A bulk delivery (body type <c>com.dapr.event.sent.bulk</c>) with only the entries that could be read;
/// the library answers DROP for the unreadable ones itself.
/// </summary>
public sealed record BulkTopicMessage<TEvent>(
    string Id,
    string Topic,
    string PubSubName,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<BulkTopicEntry<TEvent>> Entries);

public sealed record BulkTopicEntryStatus(string EntryId, TopicResponse Status);

/// <summary>The app's answer to a bulk delivery; an entry without a status is retried by the sidecar.</summary>
public sealed record BulkTopicResponse(IReadOnlyList<BulkTopicEntryStatus> Statuses);

/// <summary>Handles every entry of one bulk delivery at once and returns a status per entry.</summary>
public interface IBulkTopicHandler<TEvent>
{
    Task<BulkTopicResponse> HandleAsync(BulkTopicMessage<TEvent> message, CancellationToken ct);
}

/// <summary>A bulk delivery as read off the wire, before its entries are unwrapped into the handler's type.</summary>
internal sealed record BulkDelivery(string Id, string Topic, string PubSubName, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<BulkDeliveryEntry> Entries);

/// <summary><see cref="Event"/> is a CloudEvent object, or for raw-payload subscriptions the payload as a base64 string.</summary>
internal sealed record BulkDeliveryEntry(string EntryId, JsonElement Event, string ContentType, IReadOnlyDictionary<string, string> Metadata);
