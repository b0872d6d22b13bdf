using System.Text;
using DaprPlatform.Web.Features.Channels;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Tests.Channels;

public sealed class ChannelChartSeriesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void A_live_view_replaces_its_minutes_adds_new_ones_and_slides_the_window()
    {
        var series = new ChannelChartSeries(minutes: 5, Berlin);
        series.Merge(View(Noon.AddMinutes(4), Minute(0, views: 10), Minute(2, views: 5, joins: 1), Minute(4, views: 1))).Should().BeTrue();

        series.Views.Select(p => p.Value).Should().Equal(10, 0, 5, 0, 1);
        series.Views[0].At.Should().Be(new DateTime(2026, 12, 7, 13, 0, 0), "the axis shows the person's zone");
        series.Views[0].Utc.Should().Be(Noon);

        // Two minutes later: minute 4 grew (it was still filling up), 5 and 6 are new; 0 and 1 fall out of the five.
        series.Merge(View(Noon.AddMinutes(6), Minute(4, views: 3, reactions: 2), Minute(6, views: 7))).Should().BeTrue();

        series.End.Should().Be(Noon.AddMinutes(6));
        series.Views.Select(p => p.Utc).Should().Equal(Enumerable.Range(2, 5).Select(m => Noon.AddMinutes(m)));
        series.Views.Select(p => p.Value).Should().Equal(5, 0, 3, 0, 7);
        series.Reactions.Select(p => p.Value).Should().Equal(0, 0, 2, 0, 0);
        series.Joins.Select(p => p.Value).Should().Equal(1, 0, 0, 0, 0);
        series.Totals.Should().Be(new MetricTotals(15, 2, 0, 0, 1, 0));
        series.ActiveMinutes.Select(m => m.At).Should().Equal(Noon.AddMinutes(6), Noon.AddMinutes(4), Noon.AddMinutes(2));
    }

    [Fact]
    public void An_older_view_arriving_late_does_not_put_smaller_counts_back()
    {
        var series = new ChannelChartSeries(minutes: 60, TimeZoneInfo.Utc);
        series.Merge(View(Noon.AddSeconds(30), Minute(0, views: 9)));

        series.Merge(View(Noon.AddSeconds(10), Minute(0, views: 4))).Should().BeFalse();

        series.Totals.Views.Should().Be(9);
        series.HasActivity.Should().BeTrue();
    }

    [Fact]
    public void A_quiet_window_has_points_but_no_activity()
    {
        var series = new ChannelChartSeries(minutes: 3, TimeZoneInfo.Utc);
        series.Views.Should().BeEmpty("nothing is known before the first view");

        series.Merge(View(Noon.AddMinutes(2), Minute(0), Minute(1), Minute(2)));

        series.HasActivity.Should().BeFalse();
        series.Views.Should().HaveCount(3).And.OnlyContain(p => p.Value == 0);
    }

    [Fact]
    public void Minutes_roll_up_into_hours_and_the_anomalous_hour_is_marked()
    {
        var minutes = new[] { Minute(0, views: 10, joins: 1), Minute(59, views: 5), Minute(60, views: 400, reactions: 3), Minute(125, views: 2) };
        var anomaly = new ViewsAnomaly(Noon.AddHours(1), 400, 15, 9.3, Noon.AddHours(2));
        var outside = new ViewsAnomaly(Noon.AddDays(-3), 1, 50, 4, Noon.AddDays(-3));

        var hours = ChannelChartSeries.PerHour(minutes, [anomaly, outside], Berlin);

        hours.Select(h => h.Utc).Should().Equal(Noon, Noon.AddHours(1), Noon.AddHours(2));
        hours.Select(h => h.Views).Should().Equal(15, 400, 2);
        hours.Select(h => h.Reactions).Should().Equal(0, 3, 0);
        hours[0].Joins.Should().Be(1);
        hours[1].At.Should().Be(new DateTime(2026, 12, 7, 14, 0, 0));
        hours.Select(h => h.Anomaly).Should().Equal(null, anomaly, null);
    }

    [Fact]
    public void A_summary_becomes_one_bar_per_counter()
    {
        ChannelChartSeries.Bars(new MetricTotals(100, 7, 3, 1, 4, 2)).Should().Equal(
            new MetricBar("Views", 100), new MetricBar("Reactions", 7), new MetricBar("Forwards", 3),
            new MetricBar("Joins", 4), new MetricBar("Leaves", 2), new MetricBar("Posts", 1));
    }

    [Fact]
    public void The_test_samples_field_errors_are_named_as_the_form_names_its_fields()
    {
        var problem = new ApiProblem(400, "Invalid", null, new Dictionary<string, string[]>
        {
            ["samples[0].value"] = ["value must not be negative."],
            ["body"] = ["A JSON object with samples is required."],
        });

        var shown = TestSample.ForForm(problem);

        shown.ErrorsFor("value").Should().Equal("value must not be negative.");
        shown.ErrorsFor("body").Should().ContainSingle();
    }

    [Theory]
    [InlineData("some_channel", "@some_channel")]
    [InlineData("  @some_channel ", "@some_channel")]
    [InlineData("-1001234567890", "-1001234567890")]
    [InlineData("bad name", "bad name")]
    [InlineData(null, "")]
    public void A_bare_name_gets_its_at_sign(string? typed, string sent) => ChannelName.Normalize(typed).Should().Be(sent);

    internal static MinuteCounts Minute(int minute, long views = 0, long reactions = 0, long joins = 0) =>
        new(Noon.AddMinutes(minute), views, reactions, 0, 0, joins, 0);

    internal static RealtimeView View(DateTimeOffset to, params MinuteCounts[] minutes) =>
        new(Guid.Empty, minutes.Length > 0 ? minutes[0].At : to, to, new MetricTotals(0, 0, 0, 0, 0, 0), null, 0, minutes);
}
