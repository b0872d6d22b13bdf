using DaprPlatform.Tutoring.Domain;

namespace DaprPlatform.Tutoring.Tests.Domain;

public sealed class SlotCalculatorTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    // 2030-01-07 is a Monday.
    private static readonly DateTimeOffset Monday = new(2030, 1, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static WeeklyAvailability Rules(params (string Day, string Start, string End)[] rules)
    {
        var errors = WeeklyAvailability.Check(rules.Select(r => (SubmittedRule?)new SubmittedRule(r.Day, r.Start, r.End)).ToList(), out var availability);
        errors.Should().BeEmpty();
        return availability!;
    }

    private static List<DateTimeOffset> Starts(
        WeeklyAvailability rules, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to, int minutes = 60, DateTimeOffset? now = null, params TimeRange[] busy) =>
        SlotCalculator.FreeSlots(rules, zone, busy, from, to, minutes, now ?? LongAgo).Select(s => s.Start).ToList();

    private static DateTimeOffset At(int hour, int minute = 0) => Monday.AddHours(hour).AddMinutes(minute);

    [Fact]
    public void Starts_every_quarter_hour_and_ends_inside_the_rule()
    {
        var slots = SlotCalculator.FreeSlots(Rules(("monday", "09:00", "11:00")), Utc, [], Monday, Monday.AddDays(1), 60, LongAgo);

        slots.Select(s => s.Start).Should().Equal(At(9), At(9, 15), At(9, 30), At(9, 45), At(10));
        slots.Should().OnlyContain(s => s.End - s.Start == TimeSpan.FromMinutes(60));
    }

    [Fact]
    public void Other_weekdays_and_an_empty_availability_offer_nothing()
    {
        Starts(Rules(("tuesday", "09:00", "11:00")), Utc, Monday, Monday.AddDays(1)).Should().BeEmpty();
        Starts(WeeklyAvailability.Empty, Utc, Monday, Monday.AddDays(7)).Should().BeEmpty();
    }

    [Fact]
    public void A_slot_must_fit_the_window_on_both_ends()
    {
        Starts(Rules(("monday", "09:00", "12:00")), Utc, At(9, 30), At(11)).Should().Equal(At(9, 30), At(9, 45), At(10));
    }

    [Fact]
    public void Slots_in_the_past_are_never_offered()
    {
        Starts(Rules(("monday", "09:00", "12:00")), Utc, Monday, Monday.AddDays(1), now: At(10, 7)).Should().Equal(At(10, 15), At(10, 30), At(10, 45), At(11));
    }

    [Fact]
    public void Busy_intervals_remove_overlapping_slots_but_touching_ones_stay()
    {
        var busy = new TimeRange(At(10), At(11));

        Starts(Rules(("monday", "09:00", "12:00")), Utc, Monday, Monday.AddDays(1), 60, null, busy).Should().Equal(At(9), At(11));
    }

    [Fact]
    public void Touching_rules_join_into_one_window_even_across_midnight()
    {
        Starts(Rules(("monday", "09:00", "10:00"), ("monday", "10:00", "11:00")), Utc, Monday, Monday.AddDays(1))
            .Should().Contain(At(9, 30));
        Starts(Rules(("monday", "23:00", "24:00"), ("tuesday", "00:00", "01:00")), Utc, Monday, Monday.AddDays(2))
            .Should().Equal(At(23), At(23, 15), At(23, 30), At(23, 45), At(24));
    }

    [Fact]
    public void Rules_are_read_in_the_tutors_timezone()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

        // Monday 09:00 in Tokyo (UTC+9) is Monday 00:00 UTC.
        Starts(Rules(("monday", "09:00", "10:00")), tokyo, Monday.AddDays(-1), Monday.AddDays(1)).Should().Equal(Monday);
    }

    [Fact]
    public void Berlin_spring_forward_skips_the_missing_hour()
    {
        // 2026-03-29 (Sunday): 02:00 CET jumps to 03:00 CEST, so local 02:00–02:45 do not exist.
        var day = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);
        var slots = SlotCalculator.FreeSlots(Rules(("sunday", "01:00", "05:00")), Berlin, [], day.AddDays(-1), day.AddDays(1), 60, LongAgo);

        var localStarts = slots.Select(s => TimeZoneInfo.ConvertTime(s.Start, Berlin).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        localStarts.Should().Equal("01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30", "03:45", "04:00");
        // Real durations: 01:45 CET + 60 minutes is 03:45 CEST; the window really is 3 hours long (00:00Z–03:00Z).
        slots.Should().OnlyContain(s => s.End - s.Start == TimeSpan.FromHours(1));
        slots[^1].End.Should().Be(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Berlin_fall_back_offers_the_repeated_hour_once()
    {
        // 2026-10-25 (Sunday): 03:00 CEST goes back to 02:00 CET, so local 02:00–02:59 happen twice.
        var day = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        var slots = SlotCalculator.FreeSlots(Rules(("sunday", "01:00", "05:00")), Berlin, [], day.AddDays(-1), day.AddDays(1), 60, LongAgo);

        var local = slots.Select(s => TimeZoneInfo.ConvertTime(s.Start, Berlin).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        local.Should().OnlyHaveUniqueItems("a wall-clock start is offered once");
        local.Should().HaveCount(13).And.StartWith("01:00").And.EndWith("04:00");
        // The repeated 02:xx are taken at their first (CEST) occurrence: 00:00Z–00:45Z, not 01:00Z–01:45Z.
        slots.Should().Contain(s => s.Start == new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero));
        slots.Should().NotContain(s => s.Start.UtcDateTime.Hour == 1);
        slots.Should().OnlyContain(s => s.End - s.Start == TimeSpan.FromHours(1));
    }

    [Fact]
    public void New_York_spring_forward_skips_2am_and_keeps_real_durations()
    {
        // 2026-03-08 (Sunday): 02:00 EST jumps to 03:00 EDT.
        var day = new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero);
        var slots = SlotCalculator.FreeSlots(Rules(("sunday", "00:00", "06:00")), NewYork, [], day, day.AddDays(1), 30, LongAgo);

        slots.Should().NotContain(s => TimeZoneInfo.ConvertTime(s.Start, NewYork).Hour == 2);
        // 01:45 EST (06:45Z) is followed directly by 03:00 EDT (07:00Z).
        slots.Select(s => s.Start).Should().Contain([new DateTimeOffset(2026, 3, 8, 6, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero)]);
        // 00:00 EST to 06:00 EDT is 5 real hours: 20 quarter hours, of which the last that fits 30 minutes starts 05:30 EDT.
        slots.Should().HaveCount(19);
    }

    [Fact]
    public void New_York_fall_back_does_not_double_count_the_repeated_hour()
    {
        // 2026-11-01 (Sunday): 02:00 EDT goes back to 01:00 EST, so 01:00–01:59 happen twice.
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var slots = SlotCalculator.FreeSlots(Rules(("sunday", "01:00", "02:00")), NewYork, [], day, day.AddDays(1), 60, LongAgo);

        // Four wall-clock starts (01:00, 01:15, 01:30, 01:45) at their first occurrence (EDT, 05:00Z–05:45Z), each once.
        slots.Select(s => s.Start).Should().Equal(
            new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 5, 15, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 5, 45, 0, TimeSpan.Zero));
    }

    [Fact]
    public void IsOffered_accepts_exactly_a_slot_on_the_grid()
    {
        var rules = Rules(("monday", "09:00", "12:00"));

        SlotCalculator.IsOffered(rules, Utc, At(9), 60, LongAgo).Should().BeTrue();
        SlotCalculator.IsOffered(rules, Utc, At(11), 60, LongAgo).Should().BeTrue();
        SlotCalculator.IsOffered(rules, Utc, At(11, 15), 60, LongAgo).Should().BeFalse("it would end after 12:00");
        SlotCalculator.IsOffered(rules, Utc, At(8, 45), 60, LongAgo).Should().BeFalse("it would start before 09:00");
        SlotCalculator.IsOffered(rules, Utc, At(9, 10), 60, LongAgo).Should().BeFalse("09:10 is not a quarter hour");
        SlotCalculator.IsOffered(rules, Utc, At(9), 60, At(9, 1)).Should().BeFalse("it has started");
    }
}
