using System.Globalization;
using System.Text.RegularExpressions;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Actors;

/// <summary>A reminder or timer period: a calendar part (ISO 8601 years, months, days) plus a fixed part, and an optional repetition count (R&lt;n&gt;/…).</summary>
internal sealed record ActorPeriod(int Years, int Months, int Days, TimeSpan Time, int? Repetitions)
{
    public DateTimeOffset After(DateTimeOffset t) => t.AddYears(Years).AddMonths(Months).AddDays(Days) + Time;
}

/// <summary>
/// The time formats of the actors API (docs: reference/api/actors_api, "Reminder/timer due time, period and ttl"):
/// dueTime and ttl take a Go duration, an RFC 3339 time or an ISO 8601 duration; period takes a Go duration or an
/// ISO 8601 duration with optional repetitions (<c>R5/PT10S</c>); an empty period means "fire once".
/// </summary>
internal static partial class ActorSchedule
{
    /// <summary>When the first fire is due; empty = now.</summary>
    public static DateTimeOffset DueAt(string? text, DateTimeOffset now)
        => string.IsNullOrWhiteSpace(text) ? now : PointInTime(text.Trim(), now, "dueTime");

    /// <summary>When the reminder or timer expires; empty = never.</summary>
    public static DateTimeOffset? ExpiresAt(string? text, DateTimeOffset now)
        => string.IsNullOrWhiteSpace(text) ? null : PointInTime(text.Trim(), now, "ttl");

    /// <summary>The period; null (empty text) = fire once.</summary>
    public static ActorPeriod? Period(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) { return null; }
        text = text.Trim();
        if (GoDuration.TryParse(text, out var go))
        {
            return go > TimeSpan.Zero ? new ActorPeriod(0, 0, 0, go, null) : throw new FormatException($"period '{text}' must be positive");
        }

        int? repetitions = null;
        var body = text;
        var r = Repetition().Match(text);
        if (r.Success)
        {
            repetitions = int.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
            body = text[r.Length..];
            if (repetitions < 0) { throw new FormatException($"period '{text}' has a negative repetition count"); }
        }

        var p = IsoDuration(body) ?? throw new FormatException($"unsupported period format: {text}");
        if (p.After(DateTimeOffset.UnixEpoch) <= DateTimeOffset.UnixEpoch)
        {
            throw new FormatException($"period '{text}' must be positive");
        }

        return p with { Repetitions = repetitions };
    }

    private static DateTimeOffset PointInTime(string text, DateTimeOffset now, string field)
    {
        if (GoDuration.TryParse(text, out var go)) { return now + go; }
        if (IsoDuration(text) is { } iso) { return iso.After(now); }
        if (text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            return at;
        }

        throw new FormatException($"unsupported {field} format: {text}");
    }

    private static ActorPeriod? IsoDuration(string text)
    {
        var m = Iso().Match(text);
        if (!m.Success || text == "P" || text.EndsWith('T')) { return null; }
        int Part(int group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = m.Groups[7].Success ? double.Parse(m.Groups[7].Value, CultureInfo.InvariantCulture) : 0;
        return new ActorPeriod(Part(1), Part(2), (Part(3) * 7) + Part(4), new TimeSpan(Part(5), Part(6), 0) + TimeSpan.FromSeconds(seconds), null);
    }

    [GeneratedRegex(@"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Iso();

    [GeneratedRegex(@"^R(-?\d+)/")]
    private static partial Regex Repetition();
}
