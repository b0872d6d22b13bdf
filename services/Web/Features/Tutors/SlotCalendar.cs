using System.Globalization;
using DaprPlatform.Web.Infrastructure.Formatting;

namespace DaprPlatform.Web.Features.Tutors;

/// <summary>A free slot placed in the student's zone: its local start, the button's text and its accessible name.</summary>
public sealed record CalendarSlot(Slot Slot, DateTime LocalStart, string TimeText, string AccessibleName);

/// <summary>One column of the week: a local date and the slots that start on it, earliest first.</summary>
public sealed record CalendarDay(DateOnly Date, string Heading, IReadOnlyList<CalendarSlot> Slots);

/// <summary>
/// A week of a tutor's free slots (UTC from tutoring) laid out in the student's own zone: seven local dates from
/// <see cref="FirstDay"/>, each slot in the column of the local date it starts on. Days are local calendar dates, not
/// 24-hour blocks, so a week spanning a DST change still has seven columns and every slot keeps its wall-clock time.
/// </summary>
public sealed class SlotCalendar
{
    public const int DaysShown = 7;

    private SlotCalendar(TimeZoneInfo zone, DateOnly firstDay, IReadOnlyList<CalendarDay> days)
    {
        Zone = zone;
        FirstDay = firstDay;
        Days = days;
    }

    public TimeZoneInfo Zone { get; }

    public DateOnly FirstDay { get; }

    public IReadOnlyList<CalendarDay> Days { get; }

    public string ZoneName => ZonedTimeText.ZoneName(Zone);

    public int SlotCount => Days.Sum(d => d.Slots.Count);

    /// <summary>The student's local date of <paramref name="instant"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>
    /// The UTC instant the local <paramref name="date"/> begins at. Where a zone skips midnight (DST starting at 00:00, e.g.
    /// America/Santiago) the day begins at the first local time that exists.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) =>
        FromLocal(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    /// <summary>
    /// The instant a wall-clock time in <paramref name="zone"/> stands for. A time the zone skips (the hour DST starts) moves on
    /// to the first one that exists; a time it has twice (the hour DST ends) is its first occurrence.
    /// </summary>
    public static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The UTC window [from, to) the week starting at <paramref name="firstDay"/> covers in <paramref name="zone"/>.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateOnly firstDay, TimeZoneInfo zone) =>
        (StartOfDay(firstDay, zone), StartOfDay(firstDay.AddDays(DaysShown), zone));

    public static SlotCalendar Build(IEnumerable<Slot> slots, TimeZoneInfo zone, DateOnly firstDay, CultureInfo? culture = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(zone);
        culture ??= CultureInfo.CurrentCulture;
        var zoneName = ZonedTimeText.ZoneName(zone);
        var byDate = slots
            .Select(slot => (Slot: slot, Local: TimeZoneInfo.ConvertTime(slot.Start, zone).DateTime))
            .GroupBy(s => DateOnly.FromDateTime(s.Local))
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Slot.Start).ToList());
        var days = Enumerable.Range(0, DaysShown).Select(offset =>
        {
            var date = firstDay.AddDays(offset);
            var heading = date.ToString("ddd d MMM", culture);
            var placed = byDate.TryGetValue(date, out var found)
                ? found.Select(s => new CalendarSlot(s.Slot, s.Local, s.Local.ToString("t", culture), $"Book {heading} {s.Local.ToString("t", culture)} ({zoneName})")).ToList()
                : [];
            return new CalendarDay(date, heading, placed);
        }).ToList();
        return new SlotCalendar(zone, firstDay, days);
    }
}
