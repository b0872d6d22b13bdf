using System.Globalization;
using DaprPlatform.Web.Features.Tutors;

namespace DaprPlatform.Web.Tests.Bookings;

/// <summary>Slots come in UTC; the calendar puts each on the student's own local day and hour, DST changes included.</summary>
public sealed class SlotCalendarTests
{
    private static readonly CultureInfo EnglishGb = CultureInfo.GetCultureInfo("en-GB");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static Slot At(string utc, int minutes = 60)
    {
        var start = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture);
        return new Slot(start, start.AddMinutes(minutes));
    }

    [Fact]
    public void Utc_slots_land_on_the_students_local_day_and_hour_in_Tokyo()
    {
        var calendar = SlotCalendar.Build(
            [At("2026-12-08T15:30:00Z"), At("2026-12-08T05:00:00Z"), At("2026-12-13T15:00:00Z")],
            Tokyo, new DateOnly(2026, 12, 7), EnglishGb);

        calendar.Days.Select(d => d.Heading).Should().Equal("Mon 7 Dec", "Tue 8 Dec", "Wed 9 Dec", "Thu 10 Dec", "Fri 11 Dec", "Sat 12 Dec", "Sun 13 Dec");
        calendar.Days[1].Slots.Select(s => s.AccessibleName).Should().Equal("Book Tue 8 Dec 14:00 (Asia/Tokyo)");
        // 15:30 UTC on the 8th is half past midnight on the 9th in Tokyo.
        calendar.Days[2].Slots.Select(s => s.AccessibleName).Should().Equal("Book Wed 9 Dec 00:30 (Asia/Tokyo)");
        // 15:00 UTC on Sunday the 13th is already midnight of Monday the 14th in Tokyo: outside this week.
        calendar.SlotCount.Should().Be(2);
        calendar.Days[2].Slots[0].TimeText.Should().Be("00:30");
        calendar.ZoneName.Should().Be("Asia/Tokyo");
    }

    [Fact]
    public void A_week_across_the_end_of_daylight_saving_keeps_wall_clock_times_in_New_York()
    {
        // DST ends in New York on Sunday 1 November 2026 at 02:00 EDT (06:00 UTC): the clocks go back to 01:00 EST.
        var calendar = SlotCalendar.Build(
            [
                At("2026-10-31T18:00:00Z"), // Sat 14:00 EDT (UTC-4)
                At("2026-11-01T05:30:00Z"), // Sun 01:30 EDT, the first 01:30
                At("2026-11-01T06:30:00Z"), // Sun 01:30 EST, the second 01:30
                At("2026-11-02T19:00:00Z"), // Mon 14:00 EST (UTC-5)
                At("2026-11-07T04:30:00Z"), // Fri 6 Nov 23:30 EST, the last of the week
            ],
            NewYork, new DateOnly(2026, 10, 31), EnglishGb);

        calendar.Days[0].Slots.Select(s => s.TimeText).Should().Equal("14:00");
        calendar.Days[1].Slots.Select(s => s.TimeText).Should().Equal("01:30", "01:30");
        calendar.Days[1].Slots.Select(s => s.Slot.Start.UtcDateTime.Hour).Should().Equal(5, 6);
        calendar.Days[2].Slots.Select(s => s.AccessibleName).Should().Equal("Book Mon 2 Nov 14:00 (America/New_York)");
        calendar.Days[6].Slots.Select(s => s.AccessibleName).Should().Equal("Book Fri 6 Nov 23:30 (America/New_York)");
        calendar.SlotCount.Should().Be(5);
    }

    [Fact]
    public void The_weeks_window_is_local_midnight_to_local_midnight_so_a_DST_week_is_not_168_hours()
    {
        var (from, to) = SlotCalendar.Window(new DateOnly(2026, 10, 31), NewYork);
        from.Should().Be(DateTimeOffset.Parse("2026-10-31T04:00:00Z", CultureInfo.InvariantCulture));
        to.Should().Be(DateTimeOffset.Parse("2026-11-07T05:00:00Z", CultureInfo.InvariantCulture));

        // Spring forward (8 March 2026): the week is an hour shorter.
        var (springFrom, springTo) = SlotCalendar.Window(new DateOnly(2026, 3, 7), NewYork);
        (springTo - springFrom).Should().Be(TimeSpan.FromHours(167));
    }

    [Fact]
    public void A_local_time_the_zone_skips_or_repeats_still_means_one_instant()
    {
        // 02:30 on 8 March 2026 does not exist in New York (02:00 → 03:00): it moves on to the first time that does.
        SlotCalendar.FromLocal(new DateTime(2026, 3, 8, 2, 30, 0), NewYork).Should().Be(DateTimeOffset.Parse("2026-03-08T07:00:00Z", CultureInfo.InvariantCulture));
        // 01:30 on 1 November 2026 happens twice: the first (EDT).
        SlotCalendar.FromLocal(new DateTime(2026, 11, 1, 1, 30, 0), NewYork).Should().Be(DateTimeOffset.Parse("2026-11-01T05:30:00Z", CultureInfo.InvariantCulture));
        SlotCalendar.LocalDate(DateTimeOffset.Parse("2026-12-08T15:30:00Z", CultureInfo.InvariantCulture), Tokyo).Should().Be(new DateOnly(2026, 12, 9));
    }
}
