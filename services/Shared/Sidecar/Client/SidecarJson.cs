using System.Text.Json;

namespace DaprPlatform.Sidecar;

/// <summary>JSON settings for payloads: System.Text.Json web defaults (camelCase, case-insensitive reads).</summary>
public static class SidecarJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
