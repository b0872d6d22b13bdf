using System.Globalization;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>One hour of the forecast chart, in the person's zone: the expected views and the interval's bounds (never below 0).</summary>
public sealed record ForecastChartPoint(DateTime At, DateTimeOffset Utc, double Value, double Lower, double Upper);

/// <summary>The forecast and best posting times as the dashboard shows them.</summary>
public static class ForecastBand
{
    /// <summary>
    /// The forecast's points in <paramref name="zone"/>, in time order. Views cannot be negative, so a lower bound (or value) the
    /// model put below zero is drawn at zero.
    /// </summary>
    public static IReadOnlyList<ForecastChartPoint> Points(ChannelForecast forecast, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(zone);
        return forecast.Points
            .OrderBy(p => p.At)
            .Select(p => new ForecastChartPoint(
                TimeZoneInfo.ConvertTime(p.At, zone).DateTime, p.At, Math.Max(0, p.Value), Math.Max(0, p.Lower), Math.Max(0, Math.Max(p.Upper, p.Value))))
            .ToList();
    }

    /// <summary>
    /// A posting slot (a UTC hour of the week) as it falls in <paramref name="zone"/> this week, e.g. "Tuesday 7:00 PM"; the day
    /// can move when the zone is hours away from UTC.
    /// </summary>
    public static string SlotText(PostingSlot slot, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(zone);
        if (!Enum.TryParse<DayOfWeek>(slot.DayOfWeek, ignoreCase: true, out var day))
        {
            return $"{slot.DayOfWeek} {slot.Hour:00}:00 UTC";
        }

        var today = now.UtcDateTime.Date;
        var utc = new DateTimeOffset(today.AddDays(((int)day - (int)today.DayOfWeek + 7) % 7).AddHours(slot.Hour), TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return $"{local.ToString("dddd", CultureInfo.CurrentCulture)} {local.ToString("t", CultureInfo.CurrentCulture)}";
    }

    /// <summary>"+25 % views per post" (or "−10 %" when no hour beats the mean).</summary>
    public static string LiftText(PostingSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return slot.ExpectedLift.ToString("+0%;−0%;0%", CultureInfo.CurrentCulture).Replace("%", " %", StringComparison.Ordinal) + " views per post";
    }

    /// <summary>
    /// How the previous forecast did, in words: "The forecast made Mon 30 Nov 10:00 AM was checked against 24 of its 168
    /// hours: views fell inside its 80 % band in 75 % of them, and it was off by 3.5 views an hour on average (6 % of the views)."
    /// </summary>
    public static string AccuracyText(ForecastAccuracy accuracy, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(accuracy);
        ArgumentNullException.ThrowIfNull(zone);
        var culture = CultureInfo.CurrentCulture;
        var issued = TimeZoneInfo.ConvertTime(accuracy.IssuedAt, zone);
        var share = accuracy.WeightedAbsolutePercentageError is { } wape
            ? $" ({Percent(wape)} of the views)"
            : string.Empty;
        return $"The forecast made {issued.ToString("ddd d MMM t", culture)} was checked against {accuracy.HoursCompared.ToString(culture)} of its "
            + $"{accuracy.HoursForecast.ToString(culture)} hours: views fell inside its {Percent(accuracy.Interval)} band in {Percent(accuracy.IntervalCoverage)} of them, "
            + $"and it was off by {accuracy.MeanAbsoluteError.ToString("N1", culture)} views an hour on average{share}.";
    }

    private static string Percent(double share) => share.ToString("0%", CultureInfo.CurrentCulture).Replace("%", " %", StringComparison.Ordinal);
}
