using System.Text.Json;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>Reads the bulk subscribe body (docs: pubsub_api "Bulk subscribe"): {id, type, topic, pubsubname, metadata, entries:[{entryId, event, metadata, contentType}]}.</summary>
internal static class BulkDeliveryReader
{
    /// <summary>A body with an <c>entries</c> array is a bulk delivery; anything else is a single CloudEvent.</summary>
    public static bool IsBulk(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array;

    /// <summary>Entries without an entry id are skipped: there is nothing to report a status against, so the sidecar retries them.</summary>
    public static BulkDelivery Read(JsonElement root, string topic, string pubSubName)
    {
        var entries = new List<BulkDeliveryEntry>();
        foreach (var entry in root.GetProperty("entries").EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || String(entry, "entryId") is not { Length: > 0 } entryId) { continue; }
            var ev = entry.TryGetProperty("event", out var e) ? e.Clone() : default;
            entries.Add(new BulkDeliveryEntry(entryId, ev, String(entry, "contentType") ?? string.Empty, Map(entry)));
        }

        return new BulkDelivery(String(root, "id") ?? string.Empty, String(root, "topic") ?? topic, String(root, "pubsubname") ?? pubSubName, Map(root), entries);
    }

    /// <summary>
    /// The entry's event as a CloudEvent: the object itself, or for a raw-payload entry (base64 string) a CloudEvent
    /// carrying it in data_base64, as Dapr synthesises for raw deliveries, with the entry id as its id.
    /// </summary>
    public static JsonElement AsCloudEvent(BulkDeliveryEntry entry) => entry.Event.ValueKind == JsonValueKind.String
        ? JsonSerializer.SerializeToElement(new Dictionary<string, string?>
        {
            ["id"] = entry.EntryId,
            ["source"] = "Dapr",
            ["type"] = "com.dapr.event.sent",
            ["specversion"] = "1.0",
            ["datacontenttype"] = entry.ContentType.Length > 0 ? entry.ContentType : "application/octet-stream",
            ["data_base64"] = entry.Event.GetString(),
        })
        : entry.Event;

    private static Dictionary<string, string> Map(JsonElement element)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in metadata.EnumerateObject()) { map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(); }
        }

        return map;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
