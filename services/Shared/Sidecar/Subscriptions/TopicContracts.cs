using System.Text.Json;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>What the app tells the sidecar about one delivery (pub/sub reply contract).</summary>
public enum TopicResponse
{
    /// <summary>Processed; the sidecar acks the message.</summary>
    Success,

    /// <summary>Transient failure; the sidecar redelivers per its resiliency policy.</summary>
    Retry,

    /// <summary>Will never succeed; the sidecar drops it (to the dead-letter topic when one is set).</summary>
    Drop,
}

/// <summary>The CloudEvent 1.0 attributes of a delivery; <see cref="Data"/> is the raw data (or data_base64) element.</summary>
public sealed record CloudEventEnvelope(
    string Id,
    string Source,
    string Type,
    string SpecVersion,
    string? Topic,
    string? PubSubName,
    string? TraceParent,
    DateTimeOffset? Time,
    string? DataContentType,
    JsonElement Data);

public interface ITopicHandler<TEvent>
{
    Task<TopicResponse> HandleAsync(TEvent data, CloudEventEnvelope envelope, CancellationToken ct);
}
