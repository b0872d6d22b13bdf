using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>Reads a structured-mode CloudEvent and unwraps its data into the handler's type.</summary>
internal static class CloudEventReader
{
    public static bool TryReadEnvelope(JsonElement root, out CloudEventEnvelope envelope, out string error)
    {
        envelope = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the body is not a JSON object";
            return false;
        }

        var id = String(root, "id");
        if (string.IsNullOrEmpty(id))
        {
            error = "the CloudEvent has no id";
            return false;
        }

        var data = root.TryGetProperty("data", out var d) ? d.Clone()
            : root.TryGetProperty("data_base64", out var b) ? b.Clone()
            : default;
        DateTimeOffset? time = DateTimeOffset.TryParse(String(root, "time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
        envelope = new CloudEventEnvelope(
            id,
            String(root, "source") ?? string.Empty,
            String(root, "type") ?? string.Empty,
            String(root, "specversion") ?? "1.0",
            String(root, "topic"),
            String(root, "pubsubname"),
            String(root, "traceparent"),
            time,
            String(root, "datacontenttype"),
            data);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// data is JSON for JSON content types, a string otherwise, or base64 in data_base64 for binary.
    /// A string holding JSON is parsed as JSON when TEvent is not a string (text/plain publishers).
    /// </summary>
    public static bool TryReadData<TEvent>(JsonElement root, out TEvent data, out string error)
    {
        data = default!;
        try
        {
            TEvent? value;
            if (root.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
            {
                value = JsonSerializer.Deserialize<TEvent>(Convert.FromBase64String(base64.GetString()!), SidecarJson.Options);
            }
            else if (!root.TryGetProperty("data", out var element) || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                error = "the CloudEvent carries no data";
                return false;
            }
            else if (element.ValueKind == JsonValueKind.String && typeof(TEvent) != typeof(string))
            {
                value = JsonSerializer.Deserialize<TEvent>(element.GetString()!, SidecarJson.Options);
            }
            else
            {
                value = element.Deserialize<TEvent>(SidecarJson.Options);
            }

            if (value is null)
            {
                error = "the CloudEvent data is null";
                return false;
            }

            data = value;
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException or InvalidOperationException)
        {
            error = $"the CloudEvent data is not a valid {typeof(TEvent).Name}: {ex.Message}";
            return false;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
