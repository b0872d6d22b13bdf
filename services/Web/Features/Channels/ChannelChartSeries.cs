namespace DaprPlatform.Web.Features.Channels;

/// <summary>One point of a chart: <see cref="At"/> in the person's zone (what the axis shows), <see cref="Utc"/> the moment itself.</summary>
public sealed record ChartPoint(DateTime At, DateTimeOffset Utc, long Value);

/// <summary>One hour of the hourly chart; <see cref="Anomaly"/> when insights flagged its views.</summary>
public sealed record HourPoint(DateTime At, DateTimeOffset Utc, long Views, long Reactions, long Joins, ViewsAnomaly? Anomaly);

/// <summary>A bar of a summary chart: a metric's name and its total.</summary>
public sealed record MetricBar(string Metric, long Total);

/// <summary>
/// The live chart's data: a sliding window of per-minute counters, fed by the initial <c>/realtime</c> answer and every
/// <c>realtime</c> event of the live stream. A view's minutes replace the ones held (analytics' counts are the truth, and a
/// minute still filling up grows), the window ends at the newest minute seen and older minutes fall out. Also the small
/// mappings the other charts need (hourly views with anomalies marked, summary bars).
/// </summary>
public sealed class ChannelChartSeries
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly SortedDictionary<DateTimeOffset, MinuteCounts> _minutes = [];
    private DateTimeOffset _latestView = DateTimeOffset.MinValue;

    public ChannelChartSeries(int minutes, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, 1);
        Minutes = minutes;
        Zone = zone ?? throw new ArgumentNullException(nameof(zone));
    }

    public int Minutes { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The start of the newest minute in the window (UTC); null before the first view.</summary>
    public DateTimeOffset? End { get; private set; }

    /// <summary>The latest subscriber count analytics knows, if any.</summary>
    public long? Subscribers { get; private set; }

    public IReadOnlyList<ChartPoint> Views => Series(m => m.Views);

    public IReadOnlyList<ChartPoint> Reactions => Series(m => m.Reactions);

    public IReadOnlyList<ChartPoint> Joins => Series(m => m.Joins);

    /// <summary>The counters summed over the window.</summary>
    public MetricTotals Totals
    {
        get
        {
            var inWindow = _minutes.Values.ToList();
            return new MetricTotals(
                inWindow.Sum(m => m.Views), inWindow.Sum(m => m.Reactions), inWindow.Sum(m => m.Forwards),
                inWindow.Sum(m => m.Posts), inWindow.Sum(m => m.Joins), inWindow.Sum(m => m.Leaves));
        }
    }

    /// <summary>Whether any minute in the window counted anything.</summary>
    public bool HasActivity => _minutes.Values.Any(IsActive);

    /// <summary>The minutes that counted something, newest first (the chart's data as a table).</summary>
    public IReadOnlyList<MinuteCounts> ActiveMinutes => _minutes.Values.Where(IsActive).Reverse().ToList();

    /// <summary>
    /// Merges a realtime view. A view older than one already merged is ignored: after a reconnect, an answer that
    /// overtook a newer one must not put smaller counts back.
    /// </summary>
    /// <returns>Whether the view was merged.</returns>
    public bool Merge(RealtimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.To < _latestView)
        {
            return false;
        }

        _latestView = view.To;
        foreach (var minute in view.PerMinute)
        {
            _minutes[StartOfMinute(minute.At)] = minute;
        }

        var newest = view.PerMinute.Count > 0 ? view.PerMinute.Max(m => StartOfMinute(m.At)) : StartOfMinute(view.To);
        if (End is null || newest > End)
        {
            End = newest;
        }

        var first = End.Value - ((Minutes - 1) * Minute);
        foreach (var old in _minutes.Keys.Where(at => at < first || at > End.Value).ToList())
        {
            _minutes.Remove(old);
        }

        Subscribers = view.Subscribers ?? Subscribers;
        return true;
    }

    /// <summary>Moments in the person's zone, as the chart's axis shows them.</summary>
    public DateTime Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).DateTime;

    /// <summary>
    /// Per-minute counters rolled up into hours (UTC hours, labelled in <paramref name="zone"/>), each hour marked with the
    /// anomaly insights found for it.
    /// </summary>
    public static IReadOnlyList<HourPoint> PerHour(IReadOnlyList<MinuteCounts> minutes, IReadOnlyList<ViewsAnomaly> anomalies, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(anomalies);
        ArgumentNullException.ThrowIfNull(zone);
        var anomalyByHour = anomalies
            .GroupBy(a => StartOfHour(a.Hour))
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Score)!);
        return minutes
            .GroupBy(m => StartOfHour(m.At))
            .OrderBy(g => g.Key)
            .Select(g => new HourPoint(
                TimeZoneInfo.ConvertTime(g.Key, zone).DateTime,
                g.Key,
                g.Sum(m => m.Views),
                g.Sum(m => m.Reactions),
                g.Sum(m => m.Joins),
                anomalyByHour.GetValueOrDefault(g.Key)))
            .ToList();
    }

    /// <summary>A summary's counters as bars, in the order the dashboard names them.</summary>
    public static IReadOnlyList<MetricBar> Bars(MetricTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return
        [
            new("Views", totals.Views),
            new("Reactions", totals.Reactions),
            new("Forwards", totals.Forwards),
            new("Joins", totals.Joins),
            new("Leaves", totals.Leaves),
            new("Posts", totals.Posts),
        ];
    }

    private IReadOnlyList<ChartPoint> Series(Func<MinuteCounts, long> metric)
    {
        if (End is not { } end)
        {
            return [];
        }

        // Every minute of the window gets a point (zero when nothing was counted), so the line does not skip quiet minutes.
        var points = new List<ChartPoint>(Minutes);
        for (var at = end - ((Minutes - 1) * Minute); at <= end; at += Minute)
        {
            var value = _minutes.TryGetValue(at, out var counts) ? metric(counts) : 0;
            points.Add(new ChartPoint(Local(at), at, value));
        }

        return points;
    }

    private static bool IsActive(MinuteCounts m) => m.Views + m.Reactions + m.Forwards + m.Posts + m.Joins + m.Leaves > 0;

    private static DateTimeOffset StartOfMinute(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    private static DateTimeOffset StartOfHour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
