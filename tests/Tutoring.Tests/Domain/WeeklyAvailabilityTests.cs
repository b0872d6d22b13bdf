using DaprPlatform.Tutoring.Domain;

namespace DaprPlatform.Tutoring.Tests.Domain;

public sealed class WeeklyAvailabilityTests
{
    private static IReadOnlyList<(string Field, string Message)> Check(params SubmittedRule?[] rules) =>
        WeeklyAvailability.Check(rules, out _);

    public static TheoryData<string, string?, string?, string?, string> BadRules() => new()
    {
        // name, day, start, end, field
        { "unknown day", "mon", "09:00", "10:00", "rules[0].day" },
        { "capitalised day", "Monday", "09:00", "10:00", "rules[0].day" },
        { "missing day", null, "09:00", "10:00", "rules[0].day" },
        { "not on the 15-minute grid", "monday", "09:10", "10:00", "rules[0].start" },
        { "end not on the grid", "monday", "09:00", "10:05", "rules[0].end" },
        { "short form", "monday", "9:00", "10:00", "rules[0].start" },
        { "with seconds", "monday", "09:00:00", "10:00", "rules[0].start" },
        { "hour 25", "monday", "09:00", "25:00", "rules[0].end" },
        { "start at 24:00", "monday", "24:00", "24:00", "rules[0].start" },
        { "24:30", "monday", "09:00", "24:30", "rules[0].end" },
        { "start after end", "monday", "10:00", "09:00", "rules[0].end" },
        { "empty rule", "monday", "09:00", "09:00", "rules[0].end" },
        { "missing end", "monday", "09:00", null, "rules[0].end" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void Rejects_bad_rules(string name, string? day, string? start, string? end, string field)
    {
        Check(new SubmittedRule(day, start, end)).Select(e => e.Field).Should().Contain(field, name);
    }

    [Fact]
    public void Overlapping_rules_of_one_day_are_rejected_touching_ones_are_not()
    {
        Check(new("monday", "09:00", "12:00"), new("monday", "11:45", "13:00")).Select(e => e.Field).Should().Equal("rules[1]");
        Check(new("monday", "09:00", "12:00"), new("monday", "12:00", "13:00"), new("tuesday", "09:00", "12:00")).Should().BeEmpty();
    }

    [Fact]
    public void At_most_fifty_rules()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => (SubmittedRule?)new SubmittedRule("monday", WeeklyAvailability.FormatTime(i * 15), WeeklyAvailability.FormatTime((i * 15) + 15))).ToList();

        WeeklyAvailability.Check(fifty, out var ok).Should().BeEmpty();
        ok!.Rules.Should().HaveCount(50);
        WeeklyAvailability.Check([.. fifty, new SubmittedRule("tuesday", "09:00", "10:00")], out _).Select(e => e.Field).Should().Equal("rules");
    }

    [Fact]
    public void Null_rules_and_null_entries_are_errors_an_empty_list_is_not_bookable()
    {
        WeeklyAvailability.Check(null, out _).Select(e => e.Field).Should().Equal("rules");
        Check([null]).Select(e => e.Field).Should().Equal("rules[0]");
        WeeklyAvailability.Check([], out var empty).Should().BeEmpty();
        empty!.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Valid_rules_are_sorted_monday_first_and_keep_24_00()
    {
        WeeklyAvailability.Check([new("sunday", "10:00", "24:00"), new("monday", "13:00", "14:00"), new("monday", "09:00", "10:00")], out var availability).Should().BeEmpty();

        availability!.Rules.Select(r => $"{WeeklyAvailability.DayName(r.Day)} {r.StartText}-{r.EndText}")
            .Should().Equal("monday 09:00-10:00", "monday 13:00-14:00", "sunday 10:00-24:00");
    }
}
