namespace DaprPlatform.Channels.Domain;

/// <summary>One measurement of a channel. The id is chosen by the producer so a redelivered sample can be recognised.</summary>
public sealed record MetricSample(string Id, MetricKind Kind, long Value, DateTimeOffset At)
{
    public const int MaxIdLength = 128;
}
