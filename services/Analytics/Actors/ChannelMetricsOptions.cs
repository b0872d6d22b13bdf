namespace DaprPlatform.Analytics.Actors;

/// <summary>Configuration section "ChannelMetrics".</summary>
public sealed class ChannelMetricsOptions
{
    public const string SectionName = "ChannelMetrics";

    /// <summary>How often a channel with new samples compacts its journal into one snapshot and writes its hourly rollups.</summary>
    public TimeSpan FlushPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
