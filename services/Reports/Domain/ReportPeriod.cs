namespace DaprPlatform.Reports.Domain;

/// <summary>
/// The period an export covers, [From, To): whole UTC hours (analytics keeps hourly rollups, so a partial hour would be
/// misleading), From before To, To not after the current hour's end, and at most <see cref="MaxDays"/> days long.
/// </summary>
public sealed record ReportPeriod(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>A quarter and a day: what the PDF's charts stay readable for and what one export's rows are bounded by.</summary>
    public const int MaxDays = 92;

    public TimeSpan Length => To - From;

    public int Hours => (int)Length.TotalHours;

    /// <summary>Checks the raw values; adds field errors (from, to) and returns null when they do not make a period.</summary>
    public static ReportPeriod? TryCreate(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var valid = true;
        if (from is null)
        {
            error("from", "from is required (an ISO 8601 instant on a whole hour).");
            valid = false;
        }
        else if (!IsWholeHour(from.Value))
        {
            error("from", "from must be on a whole hour (minutes, seconds and fractions zero).");
            valid = false;
        }

        if (to is null)
        {
            error("to", "to is required (an ISO 8601 instant on a whole hour).");
            valid = false;
        }
        else if (!IsWholeHour(to.Value))
        {
            error("to", "to must be on a whole hour (minutes, seconds and fractions zero).");
            valid = false;
        }

        if (!valid)
        {
            return null;
        }

        var (start, end) = (from!.Value.ToUniversalTime(), to!.Value.ToUniversalTime());
        if (start >= end)
        {
            error("to", "to must be after from.");
            return null;
        }

        // The hour running now may be exported (its rollup grows until it ends); anything later has no data yet.
        var latest = StartOfHour(now).AddHours(1);
        if (end > latest)
        {
            error("to", $"to must not be after {latest:O} (the end of the current hour).");
            return null;
        }

        if (end - start > TimeSpan.FromDays(MaxDays))
        {
            error("to", $"The period must be at most {MaxDays} days long.");
            return null;
        }

        return new ReportPeriod(start, end);
    }

    public static DateTimeOffset StartOfHour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static bool IsWholeHour(DateTimeOffset at) => at.ToUniversalTime().Ticks % TimeSpan.TicksPerHour == 0;
}
