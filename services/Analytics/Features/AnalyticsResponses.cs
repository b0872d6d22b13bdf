using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Features;

public sealed record TotalsResponse(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves)
{
    public static TotalsResponse From(MetricCounts c) => new(c.Views, c.Reactions, c.Forwards, c.Posts, c.Joins, c.Leaves);
}

public sealed record RealtimeResponse(
    Guid ChannelId,
    DateTimeOffset From,
    DateTimeOffset To,
    TotalsResponse Totals,
    long? Subscribers,
    double EngagementRate,
    IReadOnlyList<MinutePoint> PerMinute)
{
    public static RealtimeResponse Of(Guid channelId, RealtimeView view) =>
        new(channelId, view.From, view.To, TotalsResponse.From(view.Totals), view.Subscribers, view.EngagementRate, view.PerMinute);
}

public sealed record SummaryResponse(
    Guid ChannelId,
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    TotalsResponse Totals,
    long? Subscribers,
    long SubscriberGrowth,
    double EngagementRate,
    double PostsPerDay)
{
    public static SummaryResponse Of(Guid channelId, string period, SummaryView view) =>
        new(channelId, period, view.From, view.To, TotalsResponse.From(view.Totals), view.Subscribers, view.SubscriberGrowth, view.EngagementRate, view.PostsPerDay);
}

public sealed record TrendResponse(string Direction, double SlopePerHour, int Hours);

public sealed record InsightsResponse(Guid ChannelId, TrendResponse Trend, IReadOnlyList<PostingHour> BestPostingHours, IReadOnlyList<ViewsAnomaly> Anomalies)
{
    public static InsightsResponse Of(Guid channelId, InsightsView view) =>
        new(
            channelId,
            new TrendResponse(view.Trend.Direction.ToString().ToLowerInvariant(), view.Trend.SlopePerHour, view.Trend.Hours),
            view.BestPostingHours,
            view.Anomalies);
}
