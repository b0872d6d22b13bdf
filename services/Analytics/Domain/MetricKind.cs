namespace DaprPlatform.Analytics.Domain;

/// <summary>What a sample measures. Every kind is a counter except <see cref="Subscribers"/>, a gauge.</summary>
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

/// <summary>One observation about a channel. <see cref="Id"/> is unique per sample and makes redelivery harmless.</summary>
public readonly record struct MetricSample(string Id, MetricKind Kind, long Value, DateTimeOffset At);

/// <summary>What happened to one sample offered to the aggregate.</summary>
public enum IngestOutcome
{
    Accepted,
    Duplicate,
    TooOld,
    InFuture,
    Invalid,
}
