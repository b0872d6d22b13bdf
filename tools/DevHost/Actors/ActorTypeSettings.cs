using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Sidecar;

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

    /// <summary>
    /// Parses the reply (read as daprd reads it, <see cref="AppReplies"/>: field names in any case, an empty body or null
    /// declares nothing); every type in <c>entities</c> gets the top-level settings unless an <c>entitiesConfig</c> entry
    /// overrides them.
    /// </summary>
    public static IReadOnlyList<ActorTypeSettings> Parse(ReadOnlySpan<byte> json, string appId)
    {
        if (!AppReplies.TryDecode<ApplicationConfigReply>(json, out var reply) || reply is null) { return []; }
        var defaults = Read(reply, new ActorTypeSettings("", appId, DefaultIdleTimeout, DefaultScanInterval, DefaultDrainTimeout, true, false, DefaultMaxStackDepth), appId);
        var result = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
        foreach (var type in Types(reply.Entities))
        {
            result[type] = defaults with { ActorType = type };
        }

        foreach (var entry in reply.EntitiesConfig?.OfType<EntityConfigReply>() ?? [])
        {
            foreach (var type in Types(entry.Entities))
            {
                // Per-type entries only refine types the app lists in entities, as in daprd.
                if (result.TryGetValue(type, out var current)) { result[type] = Read(entry, current, appId); }
            }
        }

        return result.Values.ToList();
    }

    private static ActorTypeSettings Read(EntityConfigReply e, ActorTypeSettings start, string appId)
    {
        var s = start;
        if (Duration(e.ActorIdleTimeout, "actorIdleTimeout", appId) is { } idle) { s = s with { IdleTimeout = idle }; }
        if (Duration(e.ActorScanInterval, "actorScanInterval", appId) is { } scan) { s = s with { ScanInterval = scan }; }
        if (Duration(e.DrainOngoingCallTimeout, "drainOngoingCallTimeout", appId) is { } drain) { s = s with { DrainOngoingCallTimeout = drain }; }
        if (e.DrainRebalancedActors is { } rebalanced) { s = s with { DrainRebalancedActors = rebalanced }; }
        if (e.Reentrancy is { } r)
        {
            s = s with { Reentrancy = r.Enabled == true, MaxStackDepth = r.MaxStackDepth is { } n && n > 0 ? n : DefaultMaxStackDepth };
        }

        return s;
    }

    private static TimeSpan? Duration(string? text, string name, string appId)
    {
        if (string.IsNullOrEmpty(text)) { return null; }
        return GoDuration.TryParse(text, out var d) && d > TimeSpan.Zero
            ? d
            : throw new DevHostConfigurationException($"GET /dapr/config of '{appId}': {name} '{text}' is not a Go duration.");
    }

    private static IEnumerable<string> Types(List<string?>? entities) => entities?.OfType<string>().Where(x => x.Length > 0) ?? [];
}
