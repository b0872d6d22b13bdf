namespace DaprPlatform.Analytics.Contracts;

/// <summary>Topic <c>channel.anomaly</c>: an hour's views sat far from the channel's recent median (published once per channel and hour).</summary>
public sealed record ChannelAnomalyDetected(Guid ChannelId, DateTimeOffset Hour, long Views, double Median, double Score, DateTimeOffset DetectedAt)
{
    public const string Topic = "channel.anomaly";
}
