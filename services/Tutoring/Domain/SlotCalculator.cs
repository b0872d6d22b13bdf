namespace DaprPlatform.Tutoring.Domain;

/// <summary>A half-open interval of real time [Start, End).</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(TimeRange other) => Start < other.End && other.Start < End;

    public bool Contains(TimeRange inner) => Start <= inner.Start && inner.End <= End;
}

/// <summary>
/// Bookable slots from weekly rules, pure (no clock, no I/O). Slot starts are the tutor's wall-clock quarter hours inside a
/// rule, each offered at most once: a wall-clock time that does not exist (spring forward) is skipped, one that happens
/// twice (autumn) is taken at its first occurrence. A slot lasts <c>durationMinutes</c> of real time and must end
/// within the rule's real-time window (touching rules on one or consecutive days join into one window).
/// </summary>
public static class SlotCalculator
{
    public static IReadOnlyList<TimeRange> FreeSlots(
        WeeklyAvailability availability,
        TimeZoneInfo zone,
        IReadOnlyCollection<TimeRange> busy,
        DateTimeOffset from,
        DateTimeOffset to,
        int durationMinutes,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(availability);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(busy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(durationMinutes);

        var duration = TimeSpan.FromMinutes(durationMinutes);
        var earliest = from > now ? from : now;
        if (availability.IsEmpty || to - earliest < duration)
        {
            return [];
        }

        var windows = new List<TimeRange>();
        var starts = new SortedSet<DateTimeOffset>();
        // A day of margin each side: the tutor's local dates can differ from the UTC ones by up to 14 hours.
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime).AddDays(1);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var rule in availability.Rules.Where(r => r.Day == day.DayOfWeek))
            {
                var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
                windows.Add(new TimeRange(
                    ToInstant(midnight.AddMinutes(rule.StartMinute), zone, laterOccurrence: false),
                    ToInstant(midnight.AddMinutes(rule.EndMinute), zone, laterOccurrence: true)));
                for (var minute = rule.StartMinute; minute < rule.EndMinute; minute += WeeklyAvailability.GridMinutes)
                {
                    var local = midnight.AddMinutes(minute);
                    if (!zone.IsInvalidTime(local))
                    {
                        starts.Add(ToInstant(local, zone, laterOccurrence: false));
                    }
                }
            }
        }

        var merged = Merge(windows);
        var slots = new List<TimeRange>();
        foreach (var start in starts)
        {
            var slot = new TimeRange(start, start + duration);
            if (start < earliest || slot.End > to)
            {
                continue;
            }

            if (merged.Any(w => w.Contains(slot)) && !busy.Any(b => b.Overlaps(slot)))
            {
                slots.Add(slot);
            }
        }

        return slots;
    }

    /// <summary>Whether exactly [start, start + duration) is a slot the rules offer at <paramref name="now"/>, ignoring holds.</summary>
    public static bool IsOffered(WeeklyAvailability availability, TimeZoneInfo zone, DateTimeOffset start, int durationMinutes, DateTimeOffset now)
    {
        var slots = FreeSlots(availability, zone, [], start, start.AddMinutes(durationMinutes), durationMinutes, now);
        return slots.Count == 1 && slots[0].Start == start;
    }

    /// <summary>
    /// The real instant of a wall-clock time. Inside a spring-forward gap the clock jumps, so the first valid quarter
    /// hour after it is used; an autumn time that happens twice is its first or its later occurrence as asked.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone, bool laterOccurrence)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // Bounded: the longest gap on record is a whole skipped day (Samoa, 2011).
        for (var step = 0; step <= 2 * WeeklyAvailability.MinutesPerDay / WeeklyAvailability.GridMinutes && zone.IsInvalidTime(local); step++)
        {
            local = local.AddMinutes(WeeklyAvailability.GridMinutes);
        }

        TimeSpan offset;
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            // The larger offset is the earlier instant (UTC = local − offset).
            offset = laterOccurrence ? offsets.Min() : offsets.Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static List<TimeRange> Merge(List<TimeRange> windows)
    {
        var merged = new List<TimeRange>();
        foreach (var window in windows.Where(w => w.Start < w.End).OrderBy(w => w.Start))
        {
            if (merged.Count > 0 && window.Start <= merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = last with { End = window.End > last.End ? window.End : last.End };
            }
            else
            {
                merged.Add(window);
            }
        }

        return merged;
    }
}
