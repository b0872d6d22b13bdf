using System.Text.Json;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Actors;

/// <summary>How one actor type is hosted: the app that serves it and the runtime settings from its GET /dapr/config.</summary>
internal sealed record ActorTypeSettings(
    string ActorType,
    string HostAppId,
    TimeSpan IdleTimeout,
    TimeSpan ScanInterval,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    bool Reentrancy,
    int MaxStackDepth);

/// <summary>The app's reply to GET /dapr/config (docs: actors-runtime-config; dapr pkg/config/app_configuration.go).</summary>
internal static class AppActorConfig
{
    // daprd's defaults when a field is absent.
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan DefaultScanInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(60);
    public const int DefaultMaxStackDepth = 32;

    /// <summary>Parses the reply; every type in <c>entities</c> gets the top-level settings unless an <c>entitiesConfig</c> entry overrides them.</summary>
    public static IReadOnlyList<ActorTypeSettings> Parse(string json, string appId)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DevHostConfigurationException($"GET /dapr/config of '{appId}' did not return a JSON object.");
        }

        var defaults = Read(root, new ActorTypeSettings("", appId, DefaultIdleTimeout, DefaultScanInterval, DefaultDrainTimeout, true, false, DefaultMaxStackDepth), appId);
        var result = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
        foreach (var type in Strings(root, "entities"))
        {
            result[type] = defaults with { ActorType = type };
        }

        if (root.TryGetProperty("entitiesConfig", out var overrides) && overrides.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in overrides.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                foreach (var type in Strings(entry, "entities"))
                {
                    // Per-type entries only refine types the app lists in entities, as in daprd.
                    if (result.TryGetValue(type, out var current)) { result[type] = Read(entry, current, appId); }
                }
            }
        }

        return result.Values.ToList();
    }

    private static ActorTypeSettings Read(JsonElement e, ActorTypeSettings start, string appId)
    {
        var s = start;
        if (Duration(e, "actorIdleTimeout", appId) is { } idle) { s = s with { IdleTimeout = idle }; }
        if (Duration(e, "actorScanInterval", appId) is { } scan) { s = s with { ScanInterval = scan }; }
        if (Duration(e, "drainOngoingCallTimeout", appId) is { } drain) { s = s with { DrainOngoingCallTimeout = drain }; }
        if (e.TryGetProperty("drainRebalancedActors", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            s = s with { DrainRebalancedActors = d.GetBoolean() };
        }

        if (e.TryGetProperty("reentrancy", out var r) && r.ValueKind == JsonValueKind.Object)
        {
            var enabled = r.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.True;
            var depth = r.TryGetProperty("maxStackDepth", out var md) && md.ValueKind == JsonValueKind.Number && md.TryGetInt32(out var n) && n > 0
                ? n : DefaultMaxStackDepth;
            s = s with { Reentrancy = enabled, MaxStackDepth = depth };
        }

        return s;
    }

    private static TimeSpan? Duration(JsonElement e, string name, string appId)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } text) { return null; }
        return GoDuration.TryParse(text, out var d) && d > TimeSpan.Zero
            ? d
            : throw new DevHostConfigurationException($"GET /dapr/config of '{appId}': {name} '{text}' is not a Go duration.");
    }

    private static IEnumerable<string> Strings(JsonElement e, string name)
        => e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Where(x => x.Length > 0)
            : [];
}
