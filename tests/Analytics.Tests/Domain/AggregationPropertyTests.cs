using System.Text.Json;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Tests.Domain;

/// <summary>
/// Random streams (random order, redeliveries, late and future samples, invalid values) against a naive model that
/// keeps every accepted sample in a list and sums it from scratch.
/// </summary>
public sealed class AggregationPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 150; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Totals_equal_a_naive_recomputation_over_the_accepted_samples(int seed)
    {
        var random = new Random(seed);
        var aggregate = new ChannelMetricsAggregate();
        var model = new NaiveModel();
        var offered = new List<MetricSample>();
        var now = Start.AddMinutes(random.Next(0, 60 * 24 * 40));
        var count = random.Next(200, 2500);
        for (var i = 0; i < count; i++)
        {
            now = now.AddSeconds(random.Next(0, 40));
            var sample = offered.Count > 0 && random.NextDouble() < 0.15
                ? offered[random.Next(offered.Count)] // a redelivery, possibly long after the original
                : NewSample(random, i, now);
            offered.Add(sample);

            var expected = model.Offer(sample, now);
            aggregate.Ingest(sample, now).Should().Be(expected, "sample {0} ({1}) at {2}", i, sample, now);
        }

        foreach (var minutes in new[] { 1, 15, 60, 61, 240, 1440 })
        {
            var view = aggregate.Realtime(now, minutes);
            var first = aggregate.FirstRealtimeMinute(now, minutes);
            view.Totals.Should().Be(model.Totals(first, ChannelMetricsAggregate.MinuteOf(now), perMinute: true), "realtime {0} min", minutes);
            view.PerMinute.Sum(p => p.Views).Should().Be(view.Totals.Views);
            view.Subscribers.Should().Be(model.LatestSubscribers);
        }

        foreach (var hours in new[] { 1, 24, 168, 720 })
        {
            var summary = aggregate.Summary(now, hours);
            var first = aggregate.FirstSummaryHour(now, hours) * 60;
            var last = (ChannelMetricsAggregate.MinuteOf(now) / 60 * 60) + 59;
            summary.Totals.Should().Be(model.Totals(first, last, perMinute: false), "summary {0} h", hours);
            summary.EngagementRate.Should().Be(summary.Totals.Views == 0 ? 0 : (double)(summary.Totals.Reactions + summary.Totals.Forwards) / summary.Totals.Views);
        }

        aggregate.Accepted.Should().Be(model.Accepted.Count);
        aggregate.Rejected.Should().Be(model.Rejected);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void A_snapshot_round_trip_through_json_answers_the_same(int seed)
    {
        var random = new Random(seed);
        var aggregate = new ChannelMetricsAggregate();
        var now = Start;
        for (var i = 0; i < 3000; i++)
        {
            now = now.AddSeconds(random.Next(0, 60));
            aggregate.Ingest(NewSample(random, i, now), now);
        }

        var json = JsonSerializer.Serialize(aggregate.ToSnapshot(), JsonSerializerOptions.Web);
        var restored = ChannelMetricsAggregate.FromSnapshot(JsonSerializer.Deserialize<ChannelMetricsSnapshot>(json, JsonSerializerOptions.Web)!);

        restored.Realtime(now, 1440).Should().BeEquivalentTo(aggregate.Realtime(now, 1440));
        restored.Summary(now, 720).Should().BeEquivalentTo(aggregate.Summary(now, 720));
        restored.Rejected.Should().Be(aggregate.Rejected);
        var redelivered = aggregate.ToSnapshot().RecentIds[^1].Id;
        restored.Ingest(new MetricSample(redelivered, MetricKind.Views, 5, now), now).Should().Be(IngestOutcome.Duplicate);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Memory_stays_bounded_over_a_long_stream(int seed)
    {
        var random = new Random(seed);
        var aggregate = new ChannelMetricsAggregate(new RecentSampleIds(capacity: 1000));
        var now = Start;
        for (var i = 0; i < 200_000; i++)
        {
            now = now.AddSeconds(random.Next(0, 30)); // ~35 days of traffic
            aggregate.Ingest(NewSample(random, i, now), now);
        }

        var snapshot = aggregate.ToSnapshot();
        snapshot.Minutes.Count.Should().BeLessThanOrEqualTo(ChannelMetricsAggregate.MinuteSlots);
        snapshot.Hours.Count.Should().BeLessThanOrEqualTo(ChannelMetricsAggregate.HourSlots);
        snapshot.RecentIds.Count.Should().BeLessThanOrEqualTo(1000);
        snapshot.Anomalies.Count.Should().BeLessThanOrEqualTo(ChannelMetricsAggregate.RecentAnomalyLimit);
    }

    [Fact]
    public void Ingesting_a_sample_allocates_nothing_once_warm()
    {
        var aggregate = new ChannelMetricsAggregate(new RecentSampleIds(capacity: 1000));
        var samples = Enumerable.Range(0, 50_000)
            .Select(i => new MetricSample($"s{i}", (MetricKind)(i % 7), i % 100, Start.AddSeconds(i)))
            .ToArray();
        for (var i = 0; i < 5_000; i++)
        {
            aggregate.Ingest(samples[i], samples[i].At);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 5_000; i < samples.Length; i++)
        {
            aggregate.Ingest(samples[i], samples[i].At);
        }

        // Any allocation per sample costs at least 24 bytes each (>1 MB here); the margin absorbs one-off runtime
        // allocations on this thread such as JIT tier-up.
        var measured = samples.Length - 5_000;
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(measured / 2);
    }

    private static MetricSample NewSample(Random random, int index, DateTimeOffset now)
    {
        var roll = random.NextDouble();
        var at = roll switch
        {
            < 0.70 => now.AddSeconds(-random.Next(0, 90 * 60)),              // recent, out of order
            < 0.85 => now.AddMinutes(-random.Next(90, 60 * 24 * 3)),          // late but inside the hourly window
            < 0.95 => now.AddMinutes(-random.Next(60 * 24 * 29, 60 * 24 * 32)), // around the 30-day edge
            _ => now.AddSeconds(random.Next(0, 600)),                       // ahead of the clock, some too far
        };
        var kind = (MetricKind)random.Next(0, 7);
        var value = random.NextDouble() < 0.02 ? -1 : random.Next(0, 1000);
        return new MetricSample($"{index}-{random.Next()}", kind, value, at);
    }

    /// <summary>Every accepted sample in a list; windows summed from scratch.</summary>
    private sealed class NaiveModel
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private long _watermark = -1;
        private long _duplicates;
        private long _tooOld;
        private long _inFuture;
        private long _invalid;

        public List<(MetricSample Sample, long WatermarkWhenAccepted)> Accepted { get; } = [];

        public RejectionCounts Rejected => new(_duplicates, _tooOld, _inFuture, _invalid);

        public long? LatestSubscribers
        {
            get
            {
                MetricSample? latest = null;
                foreach (var (sample, _) in Accepted)
                {
                    if (sample.Kind == MetricKind.Subscribers && (latest is null || sample.At >= latest.Value.At))
                    {
                        latest = sample;
                    }
                }

                return latest?.Value;
            }
        }

        public IngestOutcome Offer(MetricSample sample, DateTimeOffset now)
        {
            _watermark = Math.Max(_watermark, ChannelMetricsAggregate.MinuteOf(now));
            if (sample.Value < 0)
            {
                _invalid++;
                return IngestOutcome.Invalid;
            }

            if (sample.At > now.AddMinutes(5))
            {
                _inFuture++;
                return IngestOutcome.InFuture;
            }

            var minute = ChannelMetricsAggregate.MinuteOf(sample.At);

            // Rejected when its hour is 30 days (720 hours) or more behind the watermark's hour.
            if ((_watermark / 60) - (minute / 60) >= 720)
            {
                _tooOld++;
                return IngestOutcome.TooOld;
            }

            if (!_ids.Add(sample.Id))
            {
                _duplicates++;
                return IngestOutcome.Duplicate;
            }

            _watermark = Math.Max(_watermark, minute);
            Accepted.Add((sample, _watermark));
            return IngestOutcome.Accepted;
        }

        public MetricCounts Totals(long firstMinute, long lastMinute, bool perMinute)
        {
            var totals = default(MetricCounts);
            foreach (var (sample, watermark) in Accepted)
            {
                var minute = ChannelMetricsAggregate.MinuteOf(sample.At);
                if (sample.Kind == MetricKind.Subscribers || minute < firstMinute || minute > lastMinute)
                {
                    continue;
                }

                // The minute ring only ever took samples less than 24 h behind the watermark of their time.
                if (perMinute && minute <= watermark - 1440)
                {
                    continue;
                }

                totals.Add(sample.Kind, sample.Value);
            }

            return totals;
        }
    }
}
