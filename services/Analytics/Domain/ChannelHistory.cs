using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Analytics.Domain;

/// <summary>One complete hour of a channel: its views and posts (0 for an hour without samples).</summary>
public sealed record HourlyActivity(DateTimeOffset Hour, long Views, long Posts);

/// <summary>
/// A channel's recent complete hours as the <c>ml</c> app reads them: contiguous from the first hour with any sample to the
/// last hour that has ended, gaps filled with zeros (an hour without samples had no activity).
/// </summary>
public static class ChannelHistory
{
    /// <summary>ml's minimum for a forecast: two weekly cycles of hours (ADR 0033); fewer is answered 422 without asking ml.</summary>
    public const int MinForecastHours = 2 * 7 * 24;

    /// <summary>The most recent hours sent to ml: eight weeks, what its forecast fits (older hours would not change it).</summary>
    public const int MaxHistoryHours = 8 * 7 * 24;

    /// <summary>The hour the history ends before: the current, unfinished hour is left out (its totals are still growing).</summary>
    public static DateTimeOffset EndBefore(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The hours from the first one present in <paramref name="totals"/> up to (not including) <paramref name="endBefore"/>.</summary>
    /// <param name="totals">Rollup totals by hour and kind ("views", "posts"; other kinds only mark an hour as observed).</param>
    public static IReadOnlyList<HourlyActivity> Contiguous(IEnumerable<(DateTimeOffset Hour, string Kind, long Total)> totals, DateTimeOffset endBefore)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var byHour = new Dictionary<DateTimeOffset, (long Views, long Posts)>();
        foreach (var (hour, kind, total) in totals)
        {
            var key = hour.ToUniversalTime();
            if (key >= endBefore)
            {
                continue;
            }

            var known = byHour.GetValueOrDefault(key);
            byHour[key] = kind switch
            {
                "views" => known with { Views = total },
                "posts" => known with { Posts = total },
                _ => known,
            };
        }

        if (byHour.Count == 0)
        {
            return [];
        }

        var first = byHour.Keys.Min();
        var hours = new List<HourlyActivity>((int)(endBefore - first).TotalHours);
        for (var hour = first; hour < endBefore; hour = hour.AddHours(1))
        {
            var (views, posts) = byHour.GetValueOrDefault(hour);
            hours.Add(new HourlyActivity(hour, views, posts));
        }

        return hours;
    }

    /// <summary>
    /// A digest of exactly what ml would be sent: a cached answer is reused only while the history it came from is unchanged
    /// (a new hour, a late sample or a back-dated batch changes it).
    /// </summary>
    public static string Watermark(IReadOnlyList<HourlyActivity> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var text = new StringBuilder(hours.Count * 24);
        foreach (var h in hours)
        {
            text.Append(CultureInfo.InvariantCulture, $"{h.Hour.UtcTicks}:{h.Views}:{h.Posts};");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
