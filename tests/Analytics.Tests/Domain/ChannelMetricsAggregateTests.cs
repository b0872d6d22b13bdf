using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Tests.Domain;

public sealed class ChannelMetricsAggregateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_out_of_order_sample_inside_the_window_lands_in_its_own_minute()
    {
        var aggregate = new ChannelMetricsAggregate();
        var now = Start.AddHours(2);
        aggregate.Ingest(new MetricSample("late", MetricKind.Views, 7, now.AddMinutes(-30)), now);
        aggregate.Ingest(new MetricSample("fresh", MetricKind.Views, 3, now), now);

        var view = aggregate.Realtime(now, 60);
        view.PerMinute.Single(p => p.At == now.AddMinutes(-30)).Views.Should().Be(7);
        view.PerMinute.Single(p => p.At == now).Views.Should().Be(3);
        view.Totals.Views.Should().Be(10);
    }

    [Fact]
    public void A_sample_older_than_30_days_is_rejected_and_counted()
    {
        var aggregate = new ChannelMetricsAggregate();
        var now = Start.AddDays(40);
        aggregate.Ingest(new MetricSample("old", MetricKind.Views, 7, now.AddDays(-30)), now).Should().Be(IngestOutcome.TooOld);
        aggregate.Ingest(new MetricSample("kept", MetricKind.Views, 7, now.AddDays(-29)), now).Should().Be(IngestOutcome.Accepted);
        aggregate.Rejected.TooOld.Should().Be(1);
        aggregate.Summary(now, 720).Totals.Views.Should().Be(7);
        aggregate.Realtime(now, 1440).Totals.Views.Should().Be(0, "a 29-day-old sample only reaches the hourly ring");
    }

    [Fact]
    public void Derived_metrics_follow_their_definitions()
    {
        var aggregate = new ChannelMetricsAggregate();
        var now = Start.AddDays(3);
        aggregate.Ingest(new MetricSample("s0", MetricKind.Subscribers, 1000, now.AddHours(-20)), now);
        aggregate.Ingest(new MetricSample("s1", MetricKind.Subscribers, 1100, now.AddMinutes(-5)), now);
        aggregate.Ingest(new MetricSample("s-stale", MetricKind.Subscribers, 900, now.AddHours(-10)), now);
        aggregate.Ingest(new MetricSample("v", MetricKind.Views, 200, now.AddHours(-1)), now);
        aggregate.Ingest(new MetricSample("r", MetricKind.Reactions, 30, now.AddHours(-1)), now);
        aggregate.Ingest(new MetricSample("f", MetricKind.Forwards, 20, now.AddHours(-1)), now);
        aggregate.Ingest(new MetricSample("p", MetricKind.Posts, 6, now.AddHours(-2)), now);

        var summary = aggregate.Summary(now, 24);
        summary.Subscribers.Should().Be(1100, "the latest reading by time wins, not the latest to arrive");
        summary.SubscriberGrowth.Should().Be(100);
        summary.EngagementRate.Should().Be(0.25);
        summary.PostsPerDay.Should().Be(6);
        aggregate.Summary(now, 168).PostsPerDay.Should().BeApproximately(6 / 7.0, 1e-9);
        new MetricCounts().EngagementRate.Should().Be(0, "no views → engagement 0");
    }

    [Fact]
    public void A_views_spike_is_reported_once_when_its_hour_closes()
    {
        var aggregate = new ChannelMetricsAggregate();
        var random = new Random(3);
        var hour0 = Start;
        for (var h = 0; h < 48; h++)
        {
            var at = hour0.AddHours(h);
            aggregate.Ingest(new MetricSample($"v{h}", MetricKind.Views, 100 + random.Next(-5, 6), at), at);
        }

        var spikeHour = hour0.AddHours(48);
        aggregate.Ingest(new MetricSample("spike", MetricKind.Views, 1000, spikeHour), spikeHour);
        aggregate.DetectAnomalies(spikeHour.AddMinutes(30)).Should().BeEmpty("the spike's hour has not closed");

        var found = aggregate.DetectAnomalies(spikeHour.AddHours(1));
        found.Should().ContainSingle().Which.Should().Match<ViewsAnomaly>(a => a.Hour == spikeHour && a.Views == 1000 && a.Score > ChannelMetricsAggregate.AnomalyThreshold);
        aggregate.DetectAnomalies(spikeHour.AddHours(1).AddMinutes(10)).Should().BeEmpty("each anomaly is emitted once");
        aggregate.Insights(spikeHour.AddHours(1)).Anomalies.Should().ContainSingle();
    }

    [Fact]
    public void Ordinary_hours_and_too_little_history_raise_nothing()
    {
        var aggregate = new ChannelMetricsAggregate();
        var random = new Random(4);
        for (var h = 0; h < 48; h++)
        {
            var at = Start.AddHours(h);
            // Below 24 h of history even a spike is not judged.
            var views = h == 10 ? 5000 : 100 + random.Next(-5, 6);
            aggregate.Ingest(new MetricSample($"v{h}", MetricKind.Views, views, at), at);
        }

        aggregate.DetectAnomalies(Start.AddHours(48)).Should().BeEmpty();
    }

    [Fact]
    public void Robust_score_uses_median_and_scaled_mad()
    {
        Span<double> history = [1, 2, 3, 4, 100];
        var judged = ChannelMetricsAggregate.RobustScore(history, 10);
        judged!.Value.Median.Should().Be(3);
        judged.Value.Score.Should().BeApproximately(7 / 1.4826, 1e-9); // MAD of {2,1,0,1,97} is 1
    }

    [Fact]
    public void Insights_report_a_rising_trend_and_the_best_posting_hours()
    {
        var aggregate = new ChannelMetricsAggregate();
        var now = Start.AddHours(48);
        for (var h = 0; h < 48; h++)
        {
            var at = Start.AddHours(h);
            aggregate.Ingest(new MetricSample($"v{h}", MetricKind.Views, 10 * h, at), now);
        }

        aggregate.Ingest(new MetricSample("p9", MetricKind.Posts, 1, Start.AddHours(33)), now);   // 09:00, 330 views
        aggregate.Ingest(new MetricSample("p20", MetricKind.Posts, 2, Start.AddHours(44)), now);  // 20:00, 440 views / 2

        var insights = aggregate.Insights(now);
        insights.Trend.Direction.Should().Be(TrendDirection.Rising);
        insights.Trend.SlopePerHour.Should().BeApproximately(10, 1e-6);
        insights.BestPostingHours.Select(h => h.HourOfDay).Should().Equal(9, 20);
    }
}
