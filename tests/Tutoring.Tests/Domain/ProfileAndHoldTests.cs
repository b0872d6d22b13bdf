using DaprPlatform.Monetary;
using DaprPlatform.Tutoring.Domain;

namespace DaprPlatform.Tutoring.Tests.Domain;

public sealed class ProfileAndHoldTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 8, 0, 0, TimeSpan.Zero);

    private static TutorProfile Tutor(long rate, Currency currency) =>
        TutorProfile.Create(Guid.NewGuid(), "Tess", "bio", ["Math"], new Money(rate, currency), TimeZoneInfo.Utc, WeeklyAvailability.Empty, Now);

    [Theory]
    // rate (minor units), currency, minutes, expected price: rate × minutes / 60, half away from zero
    [InlineData(4500, "JPY", 45, 3375)]
    [InlineData(1001, "JPY", 30, 501)] // 500.5 → 501
    [InlineData(1001, "JPY", 45, 751)] // 750.75 → 751
    [InlineData(999, "JPY", 60, 999)]
    [InlineData(4999, "USD", 45, 3749)] // 3749.25 → 3749
    [InlineData(1, "USD", 30, 1)] // 0.5 cent → 1
    [InlineData(6000, "USD", 240, 24000)]
    [InlineData(3333, "USD", 90, 5000)] // 4999.5 → 5000
    public void Price_is_rate_times_minutes_over_sixty_rounded_half_away_from_zero(long rate, string currency, int minutes, long expected)
    {
        var tutor = Tutor(rate, Currency.Parse(currency));

        tutor.PriceFor(minutes).Should().Be(new Money(expected, Currency.Parse(currency)));
        SlotHold.Place(Guid.NewGuid(), tutor, Guid.NewGuid(), Now.AddDays(1), minutes, 20, Now).Price.MinorUnits.Should().Be(expected);
    }

    [Fact]
    public void Subjects_are_trimmed_lower_cased_and_distinct()
    {
        var errors = new List<(string Field, string Message)>();

        TutorProfileRules.CheckSubjects([" Math ", "math", "Physics"], "subjects", errors).Should().Equal("math", "physics");
        TutorProfileRules.CheckSubjects(["ok", "  ", new string('x', 41)], "subjects", errors).Should().BeNull();
        errors.Select(e => e.Field).Should().Equal("subjects[1]", "subjects[2]");
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("America/New_York", true)]
    [InlineData("Asia/Kathmandu", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("W. Europe Standard Time", false)] // a Windows id, not IANA
    [InlineData("", false)]
    public void Timezones_must_be_IANA_ids_this_machine_resolves(string id, bool valid)
    {
        (TutorProfileRules.CheckTimeZone(id, out _) is not null).Should().Be(valid);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-100, false)]
    [InlineData(1, true)]
    [InlineData(TutorProfileRules.MaxHourlyRateMinorUnits, true)]
    [InlineData(TutorProfileRules.MaxHourlyRateMinorUnits + 1, false)]
    public void Rate_must_be_positive_and_chargeable(long minorUnits, bool valid)
    {
        (TutorProfileRules.CheckRate(new Money(minorUnits, Currency.Usd)) is null).Should().Be(valid);
    }

    [Fact]
    public void Hold_transitions_are_guarded()
    {
        var tutor = Tutor(6000, Currency.Usd);
        var hold = SlotHold.Place(Guid.NewGuid(), tutor, Guid.NewGuid(), Now.AddDays(1), 60, 20, Now);

        hold.StatusAt(Now).Should().Be(HoldStatus.Held);
        hold.StatusAt(Now.AddMinutes(20)).Should().Be(HoldStatus.Expired, "a hold expires at expiresAt");
        hold.Book(Now).Should().BeTrue();
        hold.Book(Now).Should().BeFalse("booking twice is a no-op");
        hold.StatusAt(Now.AddDays(2)).Should().Be(HoldStatus.Booked, "a booked slot never expires");
        hold.Release(Now).Should().BeTrue();
        hold.Release(Now).Should().BeFalse("releasing twice is a no-op");
        var book = () => hold.Book(Now);
        book.Should().Throw<IllegalHoldTransitionException>();
    }

    [Fact]
    public void A_tutor_cannot_hold_their_own_slot()
    {
        var tutor = Tutor(6000, Currency.Usd);

        var place = () => SlotHold.Place(Guid.NewGuid(), tutor, tutor.TutorId, Now.AddDays(1), 60, 20, Now);

        place.Should().Throw<ArgumentException>();
    }
}
