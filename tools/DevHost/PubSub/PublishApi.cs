using System.Globalization;
using System.Text;
using System.Text.Json;
using DaprPlatform.DevHost.Sidecar;
using Grpc.Core;

namespace DaprPlatform.DevHost.PubSub;

/// <summary>One entry of a bulk publish as either transport hands it over.</summary>
internal sealed record PublishEntry(string EntryId, byte[] Event, string ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>An entry the broker did not take.</summary>
internal sealed record FailedPublishEntry(string EntryId, string Error);

/// <summary>Where a publish comes from for tracing: the caller's W3C trace context, if any.</summary>
internal sealed record TraceContext(string? TraceParent, string? TraceState);

/// <summary>
/// Publish and bulk publish behind both listeners of one sidecar: validation, the CloudEvent envelope (or raw payload),
/// ttlInSeconds, and daprd's error for each case (pkg/api/grpc/grpc.go PublishEvent/bulkPublishEvent, pkg/api/errors/pubsub.go).
/// </summary>
internal sealed class PublishApi(SidecarRuntime sidecar, Platform platform)
{
    /// <summary>
    /// Checks the pubsub and topic. daprd's HTTP API answers an unknown pubsub with 404 on publish and 400 on bulk publish
    /// (<paramref name="bulk"/>); gRPC answers INVALID_ARGUMENT for both.
    /// </summary>
    public void Validate(string pubsub, string topic, bool bulk)
    {
        if (!sidecar.PubSubs.Any())
        {
            throw new DaprApiException("ERR_PUBSUB_NOT_CONFIGURED", "no pubsub is configured", 400, StatusCode.FailedPrecondition);
        }

        if (string.IsNullOrEmpty(pubsub))
        {
            throw new DaprApiException("ERR_PUBSUB_EMPTY", "pubsub name is empty", 404, StatusCode.InvalidArgument);
        }

        if (!sidecar.PubSubs.Any(p => p.Name == pubsub))
        {
            throw new DaprApiException("ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} not found", bulk ? 400 : 404, StatusCode.InvalidArgument);
        }

        if (string.IsNullOrEmpty(topic))
        {
            throw new DaprApiException("ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}", 404, StatusCode.InvalidArgument);
        }
    }

    public async Task PublishAsync(string pubsub, string topic, byte[] data, string contentType, IReadOnlyDictionary<string, string> metadata, TraceContext trace, CancellationToken ct)
    {
        Validate(pubsub, topic, bulk: false);
        var (payload, raw, expires) = Prepare(pubsub, topic, data, contentType, metadata, trace);
        try
        {
            await platform.Broker!.PublishAsync(pubsub, topic, payload, raw, expires, ct);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            throw new DaprApiException("ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: {ex.Message}", 500, StatusCode.Internal);
        }
    }

    /// <summary>Publishes every entry; entries the broker refuses come back (the call itself succeeds, as in daprd).</summary>
    public async Task<IReadOnlyList<FailedPublishEntry>> BulkPublishAsync(
        string pubsub, string topic, IReadOnlyList<PublishEntry> entries, IReadOnlyDictionary<string, string> requestMetadata, TraceContext trace, CancellationToken ct)
    {
        Validate(pubsub, topic, bulk: true);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.EntryId.Length == 0 || !ids.Add(entry.EntryId))
            {
                throw new DaprApiException("ERR_PUBSUB_EVENTS_SER", $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: entryId is duplicated or not present for entry", 400, StatusCode.InvalidArgument);
            }
        }

        var failed = new List<FailedPublishEntry>();
        foreach (var entry in entries)
        {
            // Entry metadata overrides request metadata key by key.
            var metadata = new Dictionary<string, string>(requestMetadata, StringComparer.Ordinal);
            foreach (var (k, v) in entry.Metadata) { metadata[k] = v; }
            try
            {
                var (payload, raw, expires) = Prepare(pubsub, topic, entry.Event, entry.ContentType, metadata, trace);
                await platform.Broker!.PublishAsync(pubsub, topic, payload, raw, expires, ct);
            }
            catch (Exception ex) when (ex is DaprApiException or Npgsql.NpgsqlException)
            {
                failed.Add(new FailedPublishEntry(entry.EntryId, ex.Message));
            }
        }

        return failed;
    }

    /// <summary>Turns one publish into the bytes the broker stores.</summary>
    private (byte[] Payload, bool Raw, DateTimeOffset? Expires) Prepare(
        string pubsub, string topic, byte[] body, string contentType, IReadOnlyDictionary<string, string> metadata, TraceContext trace)
    {
        var now = platform.Time.GetUtcNow();
        var expires = Expiry(metadata, now);
        if (metadata.TryGetValue("rawPayload", out var raw))
        {
            // Go's strconv.ParseBool, which daprd's IsRawPayload uses.
            bool? isRaw = raw switch
            {
                "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
                "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
                _ => null,
            };
            if (isRaw is null)
            {
                throw new DaprApiException("ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata. Error: rawPayload '{raw}' is not a boolean", 400, StatusCode.InvalidArgument);
            }

            if (isRaw.Value) { return (body, true, expires); }
        }

        try
        {
            var ce = CloudEvents.Build(body, string.IsNullOrEmpty(contentType) ? "text/plain" : contentType, sidecar.AppId, pubsub, topic, trace.TraceParent, trace.TraceState, metadata, now);
            if (expires is { } e) { ce["expiration"] = CloudEvents.Rfc3339(e); }
            return (Encoding.UTF8.GetBytes(ce.ToJsonString()), false, expires);
        }
        catch (JsonException ex)
        {
            throw new DaprApiException("ERR_PUBSUB_CLOUD_EVENTS_SER", $"error when unmarshalling the CloudEvent body: {ex.Message}", 400, StatusCode.InvalidArgument);
        }
    }

    private static DateTimeOffset? Expiry(IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var raw)) { return null; }
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new DaprApiException("ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata: ttlInSeconds '{raw}' is not a non-negative integer", 400, StatusCode.InvalidArgument);
        }

        return now.AddSeconds(seconds);
    }
}
