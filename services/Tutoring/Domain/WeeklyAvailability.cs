using System.Globalization;

namespace DaprPlatform.Tutoring.Domain;

/// <summary>
/// One weekly window in the tutor's own timezone, e.g. Monday 09:00–17:00. Times are minutes after local midnight;
/// an end of 1440 is "24:00", the end of the day.
/// </summary>
public sealed record AvailabilityRule(DayOfWeek Day, int StartMinute, int EndMinute)
{
    public string StartText => WeeklyAvailability.FormatTime(StartMinute);

    public string EndText => WeeklyAvailability.FormatTime(EndMinute);
}

/// <summary>A rule as submitted, before validation; every field may be missing.</summary>
public sealed record SubmittedRule(string? Day, string? Start, string? End);

/// <summary>
/// The tutor's recurring weekly availability. Valid by construction: 15-minute aligned, start before end, no two
/// rules of one day overlapping, at most <see cref="MaxRules"/> rules. Empty means "not bookable".
/// </summary>
public sealed class WeeklyAvailability
{
    public const int MaxRules = 50;
    public const int GridMinutes = 15;
    public const int MinutesPerDay = 24 * 60;

    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private WeeklyAvailability(IReadOnlyList<AvailabilityRule> rules) => Rules = rules;

    public static WeeklyAvailability Empty { get; } = new([]);

    /// <summary>Sorted by weekday (Monday first) then start.</summary>
    public IReadOnlyList<AvailabilityRule> Rules { get; }

    public bool IsEmpty => Rules.Count == 0;

    public static string DayName(DayOfWeek day) => DayNames[(int)day];

    public static string FormatTime(int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <returns>Field errors keyed like <c>rules[2].start</c>; empty when <paramref name="availability"/> is set.</returns>
    public static IReadOnlyList<(string Field, string Message)> Check(
        IReadOnlyList<SubmittedRule?>? rules, out WeeklyAvailability? availability, string field = "rules")
    {
        availability = null;
        var errors = new List<(string, string)>();
        if (rules is null)
        {
            errors.Add((field, "rules is required (an empty list makes the tutor not bookable)."));
            return errors;
        }

        if (rules.Count > MaxRules)
        {
            errors.Add((field, $"At most {MaxRules} rules are allowed; got {rules.Count}."));
            return errors;
        }

        var parsed = new List<(int Index, AvailabilityRule Rule)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var at = $"{field}[{i}]";
            var rule = rules[i];
            if (rule is null)
            {
                errors.Add((at, "A rule must be an object with day, start and end."));
                continue;
            }

            var ok = TryParseDay(rule.Day, out var day);
            if (!ok)
            {
                errors.Add(($"{at}.day", "day must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday."));
            }

            if (!TryParseTime(rule.Start, allowEndOfDay: false, out var start, out var startError))
            {
                errors.Add(($"{at}.start", startError!));
                ok = false;
            }

            if (!TryParseTime(rule.End, allowEndOfDay: true, out var end, out var endError))
            {
                errors.Add(($"{at}.end", endError!));
                ok = false;
            }

            if (ok && start >= end)
            {
                errors.Add(($"{at}.end", "end must be after start."));
                ok = false;
            }

            if (ok)
            {
                parsed.Add((i, new AvailabilityRule(day, start, end)));
            }
        }

        foreach (var sameDay in parsed.GroupBy(p => p.Rule.Day))
        {
            var ordered = sameDay.OrderBy(p => p.Rule.StartMinute).ToList();
            for (var k = 1; k < ordered.Count; k++)
            {
                var (previousIndex, previous) = ordered[k - 1];
                var (index, current) = ordered[k];
                // Touching rules (12:00 ends, 12:00 starts) are fine; sharing any minute is not.
                if (current.StartMinute < previous.EndMinute)
                {
                    errors.Add(($"{field}[{index}]", $"Overlaps {field}[{previousIndex}] ({DayName(previous.Day)} {previous.StartText}–{previous.EndText})."));
                }
            }
        }

        if (errors.Count == 0)
        {
            availability = new WeeklyAvailability(parsed
                .Select(p => p.Rule)
                .OrderBy(r => ((int)r.Day + 6) % 7)
                .ThenBy(r => r.StartMinute)
                .ToList());
        }

        return errors;
    }

    private static bool TryParseDay(string? raw, out DayOfWeek day)
    {
        var index = raw is null ? -1 : Array.IndexOf(DayNames, raw);
        day = index < 0 ? default : (DayOfWeek)index;
        return index >= 0;
    }

    // Strict "HH:mm": the wire format is fixed, so "9:00" or "09:00:00" are errors rather than guesses.
    private static bool TryParseTime(string? raw, bool allowEndOfDay, out int minute, out string? error)
    {
        minute = 0;
        error = null;
        if (raw is null || raw.Length != 5 || raw[2] != ':'
            || !int.TryParse(raw.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(raw.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        {
            error = allowEndOfDay ? "Use HH:mm from 00:00 to 24:00." : "Use HH:mm from 00:00 to 23:45.";
            return false;
        }

        minute = (hours * 60) + minutes;
        if (minute == MinutesPerDay && !allowEndOfDay)
        {
            error = "A rule cannot start at 24:00.";
            return false;
        }

        if (minute % GridMinutes != 0)
        {
            error = $"Times must be on a {GridMinutes}-minute boundary (:00, :15, :30, :45).";
            return false;
        }

        return true;
    }
}
