namespace DaprPlatform.Channels.Domain;

/// <summary>
/// What a sample measures. Subscribers is a gauge (the count at <c>at</c>); every other kind is an increment
/// that downstream aggregation sums.
/// </summary>
public enum MetricKind
{
    Views,
    Reactions,
    Forwards,
    Posts,
    Subscribers,
    Joins,
    Leaves,
}

public static class MetricKinds
{
    private static readonly Dictionary<string, MetricKind> ByWireName = Enum.GetValues<MetricKind>()
        .ToDictionary(WireName, k => k, StringComparer.Ordinal);

    /// <summary>Lower-case name used on the wire ("views", "subscribers", ...).</summary>
    public static string WireName(this MetricKind kind) => kind.ToString().ToLowerInvariant();

    public static IReadOnlyCollection<string> WireNames { get; } = ByWireName.Keys.ToArray();

    /// <summary>Exact, lower-case match only: one spelling per kind keeps downstream keys stable.</summary>
    public static bool TryParse(string? value, out MetricKind kind) => ByWireName.TryGetValue(value ?? string.Empty, out kind);
}
