namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>One channel's total of one kind in one hour (subscribers: the last reading of the hour).</summary>
public sealed class HourlyRollupRow
{
    public const int MaxKindLength = 16;

    public Guid ChannelId { get; set; }

    public DateTimeOffset Hour { get; set; }

    public string Kind { get; set; } = string.Empty;

    public long Total { get; set; }
}

/// <summary>A views anomaly already published; its key makes publication happen once per channel and hour.</summary>
public sealed class AnomalyRow
{
    public Guid ChannelId { get; set; }

    public DateTimeOffset Hour { get; set; }

    public long Views { get; set; }

    public double Median { get; set; }

    public double Score { get; set; }

    public DateTimeOffset DetectedAt { get; set; }
}
