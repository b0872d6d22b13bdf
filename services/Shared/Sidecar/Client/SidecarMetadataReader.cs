using System.Text.Json;

namespace DaprPlatform.Sidecar;

internal static class SidecarMetadataReader
{
    public static SidecarMetadata Read(JsonElement root) => new(
        SidecarClient.StringProperty(root, "id") ?? string.Empty,
        SidecarClient.StringProperty(root, "runtimeVersion"),
        Strings(root, "enabledFeatures"),
        Array(root, "components").Select(c => new SidecarComponent(
            SidecarClient.StringProperty(c, "name") ?? string.Empty,
            SidecarClient.StringProperty(c, "type") ?? string.Empty,
            SidecarClient.StringProperty(c, "version"),
            Strings(c, "capabilities"))).ToList(),
        Array(root, "subscriptions").Select(s => new SidecarSubscription(
            SidecarClient.StringProperty(s, "pubsubname") ?? string.Empty,
            SidecarClient.StringProperty(s, "topic") ?? string.Empty,
            NullIfEmpty(SidecarClient.StringProperty(s, "deadLetterTopic")),
            SidecarClient.StringProperty(s, "type"),
            Array(s, "rules").Select(r => new SidecarSubscriptionRule(
                NullIfEmpty(SidecarClient.StringProperty(r, "match")),
                SidecarClient.StringProperty(r, "path") ?? string.Empty)).ToList(),
            StringMap(s, "metadata"))).ToList(),
        StringMap(root, "extended"),
        root);

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    private static List<string> Strings(JsonElement element, string name) =>
        Array(element, name).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();

    private static Dictionary<string, string> StringMap(JsonElement element, string name)
    {
        var map = new Dictionary<string, string>();
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return map;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
