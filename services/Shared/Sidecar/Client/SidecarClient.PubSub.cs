using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar;

public partial class SidecarClient
{
    /// <summary>
    /// POST /v1.0/publish/{pubsub}/{topic} with JSON data; the sidecar wraps it in a CloudEvent.
    /// Metadata goes out as ?metadata.k=v (e.g. ttlInSeconds, cloudevent.id).
    /// </summary>
    public Task PublishEventAsync<T>(string pubsub, string topic, T data, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default) =>
        PublishAsync(pubsub, topic, JsonContent(data), metadata, ct);

    /// <summary>Publishes JSON that is already serialized (the outbox stores payloads as text).</summary>
    public Task PublishRawJsonAsync(string pubsub, string topic, string json, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        return PublishAsync(pubsub, topic, JsonBytes(Encoding.UTF8.GetBytes(json)), metadata, ct);
    }

    /// <summary>
    /// POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}. Entry ids are the events' indexes ("0", "1", …).
    /// A 500 that lists failedEntries is a partial failure and comes back as a result, not an exception.
    /// </summary>
    public async Task<BulkPublishResponse> BulkPublishEventAsync<T>(string pubsub, string topic, IReadOnlyList<T> events, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var entries = events
            .Select((e, i) => new BulkPublishEntryWire(Invariant(i), JsonSerializer.SerializeToElement(e, SidecarJson.Options), JsonMediaType))
            .ToList();
        var query = new StringBuilder();
        AppendMetadata(query, metadata);
        using var response = await SendAsync(
            HttpMethod.Post,
            $"v1.0-alpha1/publish/bulk/{Segment(pubsub, nameof(pubsub))}/{Segment(topic, nameof(topic))}{query}",
            JsonContent(entries),
            ct);
        if (response.IsSuccessStatusCode)
        {
            return new BulkPublishResponse([]);
        }

        var body = await ReadBodyAsync(response, ct);
        if (response.StatusCode == HttpStatusCode.InternalServerError && TryReadFailedEntries(body) is { } failures)
        {
            return new BulkPublishResponse(failures);
        }

        var (errorCode, message) = ParseDaprError(body);
        throw new SidecarException($"Sidecar bulk publish failed with status {(int)response.StatusCode}: {errorCode} {message}", (int)response.StatusCode, errorCode, body);
    }

    private async Task PublishAsync(string pubsub, string topic, HttpContent content, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var query = new StringBuilder();
        AppendMetadata(query, metadata);
        using var response = await SendAsync(HttpMethod.Post, $"v1.0/publish/{Segment(pubsub, nameof(pubsub))}/{Segment(topic, nameof(topic))}{query}", content, ct);
        await EnsureSuccessAsync(response, "publish", ct);
    }

    private static List<BulkPublishFailure>? TryReadFailedEntries(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("failedEntries", out var failed)
                || failed.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return failed.EnumerateArray()
                .Select(f => new BulkPublishFailure(StringProperty(f, "entryId") ?? string.Empty, StringProperty(f, "error") ?? string.Empty))
                .ToList();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record BulkPublishEntryWire(
        [property: JsonPropertyName("entryId")] string EntryId,
        [property: JsonPropertyName("event")] JsonElement Event,
        [property: JsonPropertyName("contentType")] string ContentType);
}
