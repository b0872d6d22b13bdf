namespace DaprPlatform.Analytics.Domain;

/// <summary>Counters of one minute.</summary>
public sealed record MinutePoint(DateTimeOffset At, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves);

/// <summary>The last N minutes of a channel.</summary>
public sealed record RealtimeView(
    DateTimeOffset From,
    DateTimeOffset To,
    MetricCounts Totals,
    long? Subscribers,
    double EngagementRate,
    IReadOnlyList<MinutePoint> PerMinute);

/// <summary>Totals over 24 h, 7 d or 30 d of hourly buckets.</summary>
public sealed record SummaryView(
    DateTimeOffset From,
    DateTimeOffset To,
    MetricCounts Totals,
    long? Subscribers,
    long SubscriberGrowth,
    double EngagementRate,
    double PostsPerDay);

/// <summary>An hour whose views sit far from the recent median (robust z-score over median/MAD).</summary>
public sealed record ViewsAnomaly(DateTimeOffset Hour, long Views, double Median, double Score, DateTimeOffset DetectedAt);

public enum TrendDirection
{
    Flat,
    Rising,
    Falling,
}

/// <summary>Least-squares line through hourly views: views change by <see cref="SlopePerHour"/> per hour.</summary>
public sealed record ViewsTrend(TrendDirection Direction, double SlopePerHour, int Hours);

/// <summary>An hour of the day (UTC) and how posts made in it did.</summary>
public sealed record PostingHour(int HourOfDay, long Posts, double ViewsPerPost);

public sealed record InsightsView(ViewsTrend Trend, IReadOnlyList<PostingHour> BestPostingHours, IReadOnlyList<ViewsAnomaly> Anomalies);

/// <summary>How many samples the aggregate turned away, by reason.</summary>
public sealed record RejectionCounts(long Duplicates, long TooOld, long InFuture, long Invalid);
