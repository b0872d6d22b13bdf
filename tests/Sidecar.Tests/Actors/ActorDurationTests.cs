using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Sidecar.Tests.Actors;

// Rule (actors API, time formats): dueTime/ttl take a Go duration, RFC 3339 or ISO 8601; period takes a Go duration
// or ISO 8601 "R<n>/P…T…". We write Go durations in time.Duration.String() form.
public sealed class ActorDurationTests
{
    public static TheoryData<long, string> GoFormatCases => new()
    {
        { 0, "0s" },
        { TimeSpan.FromSeconds(1).Ticks, "1s" },
        { TimeSpan.FromSeconds(10).Ticks, "10s" },
        { TimeSpan.FromMinutes(1).Ticks, "1m0s" },
        { TimeSpan.FromMinutes(60).Ticks, "1h0m0s" },
        { new TimeSpan(0, 1, 2, 3, 500).Ticks, "1h2m3.5s" },
        { TimeSpan.FromHours(30).Ticks, "30h0m0s" },
        { TimeSpan.FromMilliseconds(1500).Ticks, "1.5s" },
        { TimeSpan.FromMilliseconds(250).Ticks, "250ms" },
        { TimeSpan.FromMilliseconds(1.5).Ticks, "1.5ms" },
        { 10, "1µs" },
        { 1, "100ns" },
        { -TimeSpan.FromMinutes(90).Ticks, "-1h30m0s" },
        { new TimeSpan(0, 0, 0, 5, 1).Ticks, "5.001s" },
    };

    [Theory]
    [MemberData(nameof(GoFormatCases))]
    public void Writes_go_duration_strings(long ticks, string expected) =>
        ActorDuration.ToGoDuration(TimeSpan.FromTicks(ticks)).Should().Be(expected);

    [Theory]
    [MemberData(nameof(GoFormatCases))]
    public void Go_format_round_trips(long ticks, string text) =>
        ActorDuration.Parse(text).Should().Be(TimeSpan.FromTicks(ticks));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2h45m", 165 * TimeSpan.TicksPerMinute)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("-1.5h", -90 * TimeSpan.TicksPerMinute)]
    [InlineData("+5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("10us", 100)]
    [InlineData("10μs", 100)]
    [InlineData("1000ns", 10)]
    [InlineData(".5s", 5 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("1s500ms", 15 * TimeSpan.TicksPerSecond / 10)]
    public void Parses_go_durations(string text, long expectedTicks) =>
        ActorDuration.Parse(text).Should().Be(TimeSpan.FromTicks(expectedTicks));

    [Theory]
    [InlineData("PT1M", 60)]
    [InlineData("PT10S", 10)]
    [InlineData("PT1H2M3S", 3723)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT1H", 90000)]
    [InlineData("P2W", 1209600)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("PT1,5S", 1.5)]
    [InlineData("pt2m", 120)]
    [InlineData("-PT1M", -60)]
    public void Parses_iso8601_durations(string text, double expectedSeconds) =>
        ActorDuration.Parse(text).Should().Be(TimeSpan.FromSeconds(expectedSeconds));

    [Theory]
    [InlineData("R5/PT10S", 10, 5)]
    [InlineData("R0/PT1M", 60, 0)]
    [InlineData("R/PT1M", 60, -1)]
    [InlineData("R12/P1DT2H", 93600, 12)]
    public void Parses_iso8601_repeating_periods(string text, int expectedSeconds, int expectedRepetitions)
    {
        ActorDuration.TryParse(text, out var period, out var repetitions).Should().BeTrue();
        period.Should().Be(TimeSpan.FromSeconds(expectedSeconds));
        repetitions.Should().Be(expectedRepetitions);
    }

    [Fact]
    public void Plain_durations_have_no_repetitions()
    {
        ActorDuration.TryParse("10s", out _, out var fromGo).Should().BeTrue();
        ActorDuration.TryParse("PT10S", out _, out var fromIso).Should().BeTrue();
        fromGo.Should().BeNull();
        fromIso.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("1d")]
    [InlineData("1h-5m")]
    [InlineData(".s")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("PT1S1M")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("P1DT")]
    [InlineData("R5PT10S")]
    [InlineData("Rx/PT10S")]
    [InlineData("R5/10s")]
    [InlineData("99999999999999h")]
    public void Rejects_what_is_neither_form(string text)
    {
        ActorDuration.TryParse(text, out _).Should().BeFalse();
        var parse = () => ActorDuration.Parse(text);
        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void Extreme_values_format_without_overflow()
    {
        ActorDuration.ToGoDuration(TimeSpan.MinValue).Should().StartWith("-").And.EndWith("s");
        ActorDuration.Parse(ActorDuration.ToGoDuration(TimeSpan.MaxValue)).Should().Be(TimeSpan.MaxValue);
    }
}
