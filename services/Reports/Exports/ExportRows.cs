using DaprPlatform.Reports.Domain;

namespace DaprPlatform.Reports.Exports;

/// <summary>One hour of the exported series (every hour of the period; hours analytics has nothing for are zero).</summary>
public sealed record ExportHour(DateTimeOffset Hour, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves, long? Subscribers);

/// <summary>One UTC day of the series: the sums, and the day's last subscriber count.</summary>
public sealed record ExportDay(DateOnly Day, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves, long? Subscribers);

/// <summary>What a renderer draws: the export's facts and its full hourly series.</summary>
public sealed record ExportContent(string OwnerName, string ChannelTitle, ReportPeriod Period, DateTimeOffset GeneratedAt, IReadOnlyList<ExportHour> Hours)
{
    /// <summary>Every hour of the period in order, gathered rows where analytics had them, zeros elsewhere.</summary>
    public static ExportContent Of(string ownerName, string channelTitle, ReportPeriod period, DateTimeOffset generatedAt, IEnumerable<GatheredHour> gathered)
    {
        ArgumentNullException.ThrowIfNull(period);
        var byHour = gathered.ToDictionary(h => h.Hour.ToUniversalTime());
        var hours = new List<ExportHour>(period.Hours);
        for (var hour = period.From; hour < period.To; hour = hour.AddHours(1))
        {
            hours.Add(byHour.TryGetValue(hour, out var g)
                ? new ExportHour(hour, g.Views, g.Reactions, g.Forwards, g.Posts, g.Joins, g.Leaves, g.Subscribers)
                : new ExportHour(hour, 0, 0, 0, 0, 0, 0, null));
        }

        return new ExportContent(ownerName, channelTitle, period, generatedAt, hours);
    }

    public IReadOnlyList<ExportDay> Days() =>
        Hours.GroupBy(h => DateOnly.FromDateTime(h.Hour.UtcDateTime))
            .Select(d => new ExportDay(d.Key, d.Sum(h => h.Views), d.Sum(h => h.Reactions), d.Sum(h => h.Forwards), d.Sum(h => h.Posts),
                d.Sum(h => h.Joins), d.Sum(h => h.Leaves), d.LastOrDefault(h => h.Subscribers is not null)?.Subscribers))
            .ToList();

    public ExportHour Totals => new(Period.From, Hours.Sum(h => h.Views), Hours.Sum(h => h.Reactions), Hours.Sum(h => h.Forwards),
        Hours.Sum(h => h.Posts), Hours.Sum(h => h.Joins), Hours.Sum(h => h.Leaves), Hours.LastOrDefault(h => h.Subscribers is not null)?.Subscribers);
}
