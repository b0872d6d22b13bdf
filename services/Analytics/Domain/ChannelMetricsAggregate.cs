namespace DaprPlatform.Analytics.Domain;

/// <summary>
/// The aggregation kernel behind one channel's actor: per-minute buckets for the last 24 hours and per-hour buckets for
/// the last 30 days, both fixed-size rings indexed by time, so a sample costs O(1) and memory never grows.
/// A bucket slot remembers which minute/hour it holds; a slot holding an older period is reset lazily when a newer
/// sample lands on it, and reads ignore slots whose period is outside the window.
/// Windows are measured back from the watermark: the latest of the clock and every accepted sample time.
/// A sample whose hour is 30 days or more behind the watermark is rejected (TooOld); one still inside 30 days but more
/// than 24 hours old updates only the hourly ring. Samples more than <see cref="FutureTolerance"/> ahead of the clock are rejected.
/// </summary>
public sealed class ChannelMetricsAggregate
{
    public const int MinuteSlots = 24 * 60;
    public const int HourSlots = 30 * 24;

    /// <summary>Anomaly rule: robust z-score |x − median| / (1.4826·MAD) above this flags an hour.</summary>
    public const double AnomalyThreshold = 3.5;

    /// <summary>Hours of history an hour is compared with (at most), and the fewest that make a verdict.</summary>
    public const int AnomalyHistoryHours = 168;
    public const int AnomalyMinHistoryHours = 24;

    /// <summary>Anomalies kept for insights (oldest dropped).</summary>
    public const int RecentAnomalyLimit = 50;

    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private const long NoPeriod = -1;

    private readonly MinuteSlot[] _minutes = new MinuteSlot[MinuteSlots];
    private readonly HourSlot[] _hours = new HourSlot[HourSlots];
    private readonly bool[] _hourChanged = new bool[HourSlots];
    private readonly RecentSampleIds _recentIds;
    private readonly List<ViewsAnomaly> _anomalies = [];

    private long _watermarkMinute = NoPeriod;
    private long _firstHour = NoPeriod;
    private long _lastEvaluatedHour = NoPeriod;
    private long _subscribers = NoPeriod;
    private long _subscribersAtTicks;
    private long _duplicates;
    private long _tooOld;
    private long _inFuture;
    private long _invalid;

    public ChannelMetricsAggregate(RecentSampleIds? recentIds = null)
    {
        _recentIds = recentIds ?? new RecentSampleIds();
        Array.Fill(_minutes, new MinuteSlot { Minute = NoPeriod });
        Array.Fill(_hours, new HourSlot { Hour = NoPeriod, Subscribers = NoPeriod });
    }

    public long Accepted { get; private set; }

    public RejectionCounts Rejected => new(_duplicates, _tooOld, _inFuture, _invalid);

    public long? LatestSubscribers => _subscribers == NoPeriod ? null : _subscribers;

    public IReadOnlyList<ViewsAnomaly> RecentAnomalies => _anomalies;

    public RecentSampleIds RecentIds => _recentIds;

    /// <summary>The watermark: windows end here (null before the first sample or clock advance).</summary>
    public DateTimeOffset? Watermark => _watermarkMinute == NoPeriod ? null : FromMinute(_watermarkMinute);

    public IngestOutcome Ingest(in MetricSample sample, DateTimeOffset now)
    {
        var nowMinute = MinuteOf(now);
        if (nowMinute > _watermarkMinute)
        {
            _watermarkMinute = nowMinute;
        }

        if (sample.Value < 0 || string.IsNullOrEmpty(sample.Id) || !Enum.IsDefined(sample.Kind))
        {
            _invalid++;
            return IngestOutcome.Invalid;
        }

        if (sample.At > now + FutureTolerance)
        {
            _inFuture++;
            return IngestOutcome.InFuture;
        }

        var minute = MinuteOf(sample.At);
        var hour = minute / 60;
        if (hour <= (_watermarkMinute / 60) - HourSlots)
        {
            _tooOld++;
            return IngestOutcome.TooOld;
        }

        if (!_recentIds.TryAdd(sample.Id, nowMinute))
        {
            _duplicates++;
            return IngestOutcome.Duplicate;
        }

        if (minute > _watermarkMinute)
        {
            _watermarkMinute = minute;
        }

        // Inside the window no other period maps to this slot with a later stamp, so a different stamp is stale.
        ref var hourSlot = ref _hours[hour % HourSlots];
        if (hourSlot.Hour != hour)
        {
            hourSlot = new HourSlot { Hour = hour, Subscribers = NoPeriod };
        }

        if (_firstHour == NoPeriod || hour < _firstHour)
        {
            _firstHour = hour;
        }

        Accepted++;
        _hourChanged[hour % HourSlots] = true;
        if (sample.Kind == MetricKind.Subscribers)
        {
            // A gauge: the reading taken latest wins, whatever order readings arrive in.
            var ticks = sample.At.UtcTicks;
            if (hourSlot.Subscribers == NoPeriod || ticks >= hourSlot.SubscribersAtTicks)
            {
                hourSlot.Subscribers = sample.Value;
                hourSlot.SubscribersAtTicks = ticks;
            }

            if (_subscribers == NoPeriod || ticks >= _subscribersAtTicks)
            {
                _subscribers = sample.Value;
                _subscribersAtTicks = ticks;
            }

            return IngestOutcome.Accepted;
        }

        hourSlot.Counts.Add(sample.Kind, sample.Value);
        if (minute > _watermarkMinute - MinuteSlots)
        {
            ref var minuteSlot = ref _minutes[minute % MinuteSlots];
            if (minuteSlot.Minute != minute)
            {
                minuteSlot = new MinuteSlot { Minute = minute };
            }

            minuteSlot.Counts.Add(sample.Kind, sample.Value);
        }

        return IngestOutcome.Accepted;
    }

    /// <summary>Counts a sample that could not even be read (unknown kind, fractional value, no id) as invalid.</summary>
    public IngestOutcome RejectUnreadable()
    {
        _invalid++;
        return IngestOutcome.Invalid;
    }

    /// <summary>
    /// The first minute a realtime view of <paramref name="minutes"/> minutes ending at <paramref name="now"/> covers:
    /// never older than the minute ring still holds completely.
    /// </summary>
    public long FirstRealtimeMinute(DateTimeOffset now, int minutes) =>
        Math.Max(MinuteOf(now) - minutes + 1, _watermarkMinute - MinuteSlots + 1);

    public RealtimeView Realtime(DateTimeOffset now, int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, MinuteSlots);
        var first = FirstRealtimeMinute(now, minutes);
        var last = MinuteOf(now);
        var totals = default(MetricCounts);
        var points = new List<MinutePoint>((int)Math.Max(0, last - first + 1));
        for (var minute = first; minute <= last; minute++)
        {
            var counts = CountsOfMinute(minute);
            totals.Add(counts);
            points.Add(new MinutePoint(FromMinute(minute), counts.Views, counts.Reactions, counts.Forwards, counts.Posts, counts.Joins, counts.Leaves));
        }

        return new RealtimeView(FromMinute(first), now, totals, LatestSubscribers, totals.EngagementRate, points);
    }

    /// <summary>The first hour a summary of <paramref name="hours"/> hours ending at <paramref name="now"/> covers.</summary>
    public long FirstSummaryHour(DateTimeOffset now, int hours) =>
        Math.Max((MinuteOf(now) / 60) - hours + 1, (_watermarkMinute / 60) - HourSlots + 1);

    public SummaryView Summary(DateTimeOffset now, int hours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, HourSlots);
        var first = FirstSummaryHour(now, hours);
        var last = MinuteOf(now) / 60;
        var totals = default(MetricCounts);
        long? earliestGauge = null;
        for (var hour = first; hour <= last; hour++)
        {
            ref readonly var slot = ref _hours[Slot(hour, HourSlots)];
            if (slot.Hour != hour)
            {
                continue;
            }

            totals.Add(slot.Counts);
            if (earliestGauge is null && slot.Subscribers != NoPeriod)
            {
                earliestGauge = slot.Subscribers;
            }
        }

        var growth = earliestGauge is { } start && LatestSubscribers is { } latest ? latest - start : 0;
        var days = hours / 24.0;
        return new SummaryView(FromMinute(first * 60), now, totals, LatestSubscribers, growth, totals.EngagementRate, totals.Posts / days);
    }

    /// <summary>
    /// Judges every hour that has closed since the last call (each hour once, when it closes) against up to
    /// <see cref="AnomalyHistoryHours"/> earlier hours, and returns the new anomalies. Needs
    /// <see cref="AnomalyMinHistoryHours"/> hours of history since the channel's first sample. When MAD is 0 the scale
    /// falls back to 1.2533 × mean absolute deviation; when that is 0 too, the hour is not judged.
    /// </summary>
    public IReadOnlyList<ViewsAnomaly> DetectAnomalies(DateTimeOffset now)
    {
        var closedUpTo = (MinuteOf(now) / 60) - 1;
        if (_firstHour == NoPeriod || closedUpTo <= _lastEvaluatedHour)
        {
            return [];
        }

        var oldestKept = (_watermarkMinute / 60) - HourSlots + 1;
        var from = Math.Max(Math.Max(_lastEvaluatedHour + 1, _firstHour + AnomalyMinHistoryHours), oldestKept + AnomalyMinHistoryHours);
        _lastEvaluatedHour = closedUpTo;
        var found = new List<ViewsAnomaly>();
        Span<double> history = stackalloc double[AnomalyHistoryHours];
        for (var hour = from; hour <= closedUpTo; hour++)
        {
            var historyFrom = Math.Max(Math.Max(hour - AnomalyHistoryHours, _firstHour), oldestKept);
            var count = (int)(hour - historyFrom);
            if (count < AnomalyMinHistoryHours)
            {
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                history[i] = ViewsOfHour(historyFrom + i);
            }

            var views = ViewsOfHour(hour);
            if (RobustScore(history[..count], views) is { } judged && judged.Score > AnomalyThreshold)
            {
                var anomaly = new ViewsAnomaly(FromMinute(hour * 60), views, judged.Median, judged.Score, now);
                found.Add(anomaly);
                _anomalies.Add(anomaly);
            }
        }

        if (_anomalies.Count > RecentAnomalyLimit)
        {
            _anomalies.RemoveRange(0, _anomalies.Count - RecentAnomalyLimit);
        }

        return found;
    }

    /// <summary>Median and robust z-score of <paramref name="value"/> against <paramref name="history"/> (sorted in place); null when the spread is 0.</summary>
    public static (double Median, double Score)? RobustScore(Span<double> history, double value)
    {
        history.Sort();
        var median = Median(history);
        Span<double> deviations = stackalloc double[history.Length];
        double absoluteSum = 0;
        for (var i = 0; i < history.Length; i++)
        {
            deviations[i] = Math.Abs(history[i] - median);
            absoluteSum += Math.Abs(history[i] - median);
        }

        deviations.Sort();
        var scale = 1.4826 * Median(deviations);
        if (scale == 0)
        {
            scale = 1.2533 * (absoluteSum / history.Length);
        }

        return scale == 0 ? null : (median, Math.Abs(value - median) / scale);
    }

    public InsightsView Insights(DateTimeOffset now)
    {
        var last = MinuteOf(now) / 60;
        var oldestKept = Math.Max((_watermarkMinute / 60) - HourSlots + 1, _firstHour);

        // Trend: least squares over the last week of closed hours (the running hour is still filling up),
        // counting only hours since the channel's first sample.
        var trendFrom = Math.Max(last - AnomalyHistoryHours, oldestKept);
        var n = _firstHour == NoPeriod ? 0 : (int)Math.Max(0, last - trendFrom);
        double sumX = 0, sumY = 0, sumXy = 0, sumXx = 0;
        for (var i = 0; i < n; i++)
        {
            double y = ViewsOfHour(trendFrom + i);
            sumX += i;
            sumY += y;
            sumXy += i * y;
            sumXx += (double)i * i;
        }

        var denominator = (n * sumXx) - (sumX * sumX);
        var slope = n < 2 || denominator == 0 ? 0 : ((n * sumXy) - (sumX * sumY)) / denominator;
        var mean = n == 0 ? 0 : sumY / n;

        // A slope under 1% of the mean hourly views per hour reads as flat.
        var direction = Math.Abs(slope) <= 0.01 * mean || slope == 0
            ? TrendDirection.Flat
            : slope > 0 ? TrendDirection.Rising : TrendDirection.Falling;

        // Best posting hours: hours of day whose hours with posts drew the most views per post over the last 30 days.
        Span<long> posts = stackalloc long[24];
        Span<long> views = stackalloc long[24];
        if (_firstHour != NoPeriod)
        {
            for (var hour = oldestKept; hour <= last; hour++)
            {
                ref readonly var slot = ref _hours[Slot(hour, HourSlots)];
                if (slot.Hour == hour && slot.Counts.Posts > 0)
                {
                    posts[(int)(hour % 24)] += slot.Counts.Posts;
                    views[(int)(hour % 24)] += slot.Counts.Views;
                }
            }
        }

        var best = new List<PostingHour>();
        for (var h = 0; h < 24; h++)
        {
            if (posts[h] > 0)
            {
                best.Add(new PostingHour(h, posts[h], (double)views[h] / posts[h]));
            }
        }

        best.Sort((a, b) => b.ViewsPerPost.CompareTo(a.ViewsPerPost) is var byViews and not 0 ? byViews : a.HourOfDay.CompareTo(b.HourOfDay));
        if (best.Count > 3)
        {
            best.RemoveRange(3, best.Count - 3);
        }

        return new InsightsView(new ViewsTrend(direction, slope, n), best, [.. _anomalies]);
    }

    public ChannelMetricsSnapshot ToSnapshot()
    {
        var minutes = new List<MinuteBucketState>();
        foreach (var slot in _minutes)
        {
            if (slot.Minute != NoPeriod && slot.Minute > _watermarkMinute - MinuteSlots && !slot.Counts.IsEmpty)
            {
                minutes.Add(new MinuteBucketState(slot.Minute, slot.Counts));
            }
        }

        var hours = new List<HourBucketState>();
        foreach (var slot in _hours)
        {
            if (slot.Hour != NoPeriod && slot.Hour > (_watermarkMinute / 60) - HourSlots)
            {
                hours.Add(new HourBucketState(slot.Hour, slot.Counts, slot.Subscribers == NoPeriod ? null : slot.Subscribers, slot.SubscribersAtTicks));
            }
        }

        return new ChannelMetricsSnapshot(
            _watermarkMinute,
            _firstHour,
            _lastEvaluatedHour,
            LatestSubscribers,
            _subscribersAtTicks,
            Accepted,
            Rejected,
            minutes,
            hours,
            [.. _recentIds.Entries().Select(e => new SeenSampleId(e.Id, e.SeenMinute))],
            [.. _anomalies]);
    }

    public static ChannelMetricsAggregate FromSnapshot(ChannelMetricsSnapshot snapshot, RecentSampleIds? recentIds = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var aggregate = new ChannelMetricsAggregate(recentIds)
        {
            _watermarkMinute = snapshot.WatermarkMinute,
            _firstHour = snapshot.FirstHour,
            _lastEvaluatedHour = snapshot.LastEvaluatedHour,
            _subscribers = snapshot.Subscribers ?? NoPeriod,
            _subscribersAtTicks = snapshot.SubscribersAtTicks,
            Accepted = snapshot.Accepted,
            _duplicates = snapshot.Rejected.Duplicates,
            _tooOld = snapshot.Rejected.TooOld,
            _inFuture = snapshot.Rejected.InFuture,
            _invalid = snapshot.Rejected.Invalid,
        };
        foreach (var bucket in snapshot.Minutes)
        {
            aggregate._minutes[Slot(bucket.Minute, MinuteSlots)] = new MinuteSlot { Minute = bucket.Minute, Counts = bucket.Counts };
        }

        foreach (var bucket in snapshot.Hours)
        {
            aggregate._hours[Slot(bucket.Hour, HourSlots)] = new HourSlot
            {
                Hour = bucket.Hour,
                Counts = bucket.Counts,
                Subscribers = bucket.Subscribers ?? NoPeriod,
                SubscribersAtTicks = bucket.SubscribersAtTicks,
            };
        }

        foreach (var seen in snapshot.RecentIds)
        {
            aggregate._recentIds.TryAdd(seen.Id, seen.SeenMinute);
        }

        aggregate._anomalies.AddRange(snapshot.Anomalies);
        return aggregate;
    }

    /// <summary>
    /// The hours that took samples since the last call, with their full current totals (so writing them is an
    /// idempotent overwrite), oldest first; clears the marks. Not part of the snapshot: after a restart only hours
    /// touched again are rewritten, which is enough because unsaved samples were lost together with their marks.
    /// </summary>
    public IReadOnlyList<HourRollup> TakeChangedHours()
    {
        var result = new List<HourRollup>();
        var oldestKept = (_watermarkMinute / 60) - HourSlots + 1;
        for (var i = 0; i < HourSlots; i++)
        {
            if (!_hourChanged[i])
            {
                continue;
            }

            _hourChanged[i] = false;
            ref readonly var slot = ref _hours[i];
            if (slot.Hour != NoPeriod && slot.Hour >= oldestKept)
            {
                result.Add(new HourRollup(FromMinute(slot.Hour * 60), slot.Counts, slot.Subscribers == NoPeriod ? null : slot.Subscribers));
            }
        }

        result.Sort((a, b) => a.Hour.CompareTo(b.Hour));
        return result;
    }

    /// <summary>Marks hours again after writing them failed, so the next <see cref="TakeChangedHours"/> retries them.</summary>
    public void RestoreChangedHours(IEnumerable<HourRollup> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        foreach (var rollup in hours)
        {
            var hour = MinuteOf(rollup.Hour) / 60;
            if (_hours[Slot(hour, HourSlots)].Hour == hour)
            {
                _hourChanged[Slot(hour, HourSlots)] = true;
            }
        }
    }

    public static long MinuteOf(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerMinute;

    public static DateTimeOffset FromMinute(long minute) => new(minute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static int Slot(long period, int slots) => (int)(((period % slots) + slots) % slots);

    private static double Median(ReadOnlySpan<double> sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private MetricCounts CountsOfMinute(long minute)
    {
        ref readonly var slot = ref _minutes[Slot(minute, MinuteSlots)];
        return slot.Minute == minute ? slot.Counts : default;
    }

    private long ViewsOfHour(long hour)
    {
        ref readonly var slot = ref _hours[Slot(hour, HourSlots)];
        return slot.Hour == hour ? slot.Counts.Views : 0;
    }

    private struct MinuteSlot
    {
        public long Minute;
        public MetricCounts Counts;
    }

    private struct HourSlot
    {
        public long Hour;
        public MetricCounts Counts;
        public long Subscribers;
        public long SubscribersAtTicks;
    }
}

/// <summary>Everything the aggregate needs to resume, as stored in actor state (only buckets inside the windows).</summary>
public sealed record ChannelMetricsSnapshot(
    long WatermarkMinute,
    long FirstHour,
    long LastEvaluatedHour,
    long? Subscribers,
    long SubscribersAtTicks,
    long Accepted,
    RejectionCounts Rejected,
    IReadOnlyList<MinuteBucketState> Minutes,
    IReadOnlyList<HourBucketState> Hours,
    IReadOnlyList<SeenSampleId> RecentIds,
    IReadOnlyList<ViewsAnomaly> Anomalies);

public sealed record MinuteBucketState(long Minute, MetricCounts Counts);

public sealed record HourBucketState(long Hour, MetricCounts Counts, long? Subscribers, long SubscribersAtTicks);

/// <summary>One hour's totals as written to the rollup table.</summary>
public sealed record HourRollup(DateTimeOffset Hour, MetricCounts Counts, long? Subscribers);

public sealed record SeenSampleId(string Id, long SeenMinute);
