using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.PubSub;

/// <summary>Builds the CloudEvent 1.0 envelope daprd wraps around a publish (docs: pubsub-cloudevents; dapr pkg/runtime/pubsub/cloudevents.go).</summary>
internal static class CloudEvents
{
    public const string ContentType = "application/cloudevents+json";

    public static bool IsJson(string contentType)
    {
        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return media is "application/json" or "text/json" || media.EndsWith("+json", StringComparison.Ordinal);
    }

    /// <summary>Content types carried as a string in <c>data</c>; everything else non-JSON goes base64 into <c>data_base64</c>.</summary>
    public static bool IsText(string contentType)
    {
        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return media.StartsWith("text/", StringComparison.Ordinal) || media is "application/xml" || media.EndsWith("+xml", StringComparison.Ordinal);
    }

    public static bool IsCloudEvent(string contentType)
        => contentType.Split(';')[0].Trim().Equals(ContentType, StringComparison.OrdinalIgnoreCase);

    public static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    /// <summary>Wraps <paramref name="body"/>, or completes it when it already is a CloudEvent. Throws <see cref="JsonException"/> for a broken own CloudEvent.</summary>
    public static JsonObject Build(
        byte[] body,
        string contentType,
        string source,
        string pubsub,
        string topic,
        string? traceparent,
        string? tracestate,
        IReadOnlyDictionary<string, string> metadata,
        DateTimeOffset now)
    {
        JsonObject ce;
        if (IsCloudEvent(contentType))
        {
            // An own CloudEvent keeps its fields; only missing ones are filled in.
            ce = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the body is not a JSON object");
            ce.TryAdd("id", Guid.NewGuid().ToString());
            ce.TryAdd("source", source);
            ce.TryAdd("type", "com.dapr.event.sent");
            ce.TryAdd("specversion", "1.0");
        }
        else
        {
            ce = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["source"] = source,
                ["type"] = "com.dapr.event.sent",
                ["specversion"] = "1.0",
                ["datacontenttype"] = contentType,
            };
            if (IsJson(contentType) && TryParse(body) is { } json)
            {
                ce["data"] = json;
            }
            else if (IsText(contentType) || IsJson(contentType))
            {
                ce["data"] = Encoding.UTF8.GetString(body);
            }
            else
            {
                ce["data_base64"] = Convert.ToBase64String(body);
            }
        }

        var trace = string.IsNullOrEmpty(traceparent) ? NewTraceParent() : traceparent;
        ce.TryAdd("time", Rfc3339(now));
        ce.TryAdd("traceid", trace);
        ce.TryAdd("traceparent", trace);
        ce.TryAdd("tracestate", tracestate ?? "");
        ce["topic"] = topic;
        ce["pubsubname"] = pubsub;

        foreach (var field in new[] { "id", "source", "type", "traceid", "traceparent", "tracestate", "subject" })
        {
            if (metadata.TryGetValue("cloudevent." + field, out var v)) { ce[field] = v; }
        }

        return ce;
    }

    /// <summary>The envelope Dapr synthesises for a raw payload delivered to a rawPayload subscription.</summary>
    public static JsonObject WrapRaw(byte[] payload, string pubsub, string topic, DateTimeOffset now) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = "Dapr",
        ["type"] = "com.dapr.event.sent",
        ["specversion"] = "1.0",
        ["datacontenttype"] = "application/octet-stream",
        ["data_base64"] = Convert.ToBase64String(payload),
        ["topic"] = topic,
        ["pubsubname"] = pubsub,
        ["time"] = Rfc3339(now),
    };

    /// <summary>RFC 3339 in UTC, second precision, as Go's time.RFC3339 formats it.</summary>
    public static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? TryParse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
