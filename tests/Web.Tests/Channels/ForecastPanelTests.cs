using System.Globalization;
using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Web.Tests.Channels;

public sealed class ForecastPanelTests : ChannelsComponentContext
{
    private static readonly Guid ChannelId = Guid.Parse("4c3b2a19-0817-4f6e-9d5c-4b3a29180716");
    private static readonly string Analytics = $"api/analytics/channels/{ChannelId}";
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void The_next_week_is_charted_with_its_band_and_the_best_times_are_listed_in_the_owners_zone()
    {
        SignIn(PlatformRoles.ChannelOwner);
        var start = new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
        var points = Enumerable.Range(0, 168).Select(h => new { at = start.AddHours(h), value = 10.0, lower = h == 0 ? -3.0 : 6.0, upper = 14.0 });
        Answer("analytics", "GET", $"{Analytics}/forecast", 200, JsonSerializer.Serialize(new
        {
            channelId = ChannelId, horizonHours = 168, interval = 0.8, model = "seasonal-ols", historyFrom = start.AddDays(-20), historyTo = start, points, cached = false,
            accuracy = new
            {
                issuedAt = start.AddDays(-3), interval = 0.8, hoursForecast = 168, hoursCompared = 72, meanAbsoluteError = 3.46,
                weightedAbsolutePercentageError = 0.062, intervalCoverage = 0.75,
            },
        }, JsonSerializerOptions.Web));
        Answer("analytics", "GET", $"{Analytics}/best-time", 200, JsonSerializer.Serialize(new
        {
            channelId = ChannelId,
            slots = new[] { new { dayOfWeek = "tuesday", hour = 18, hourOfWeek = 42, posts = 6, engagementPerPost = 120.5, expectedLift = 0.35 } },
            meanViewsPerPost = 90.0, totalPosts = 40, historyFrom = start.AddDays(-20), historyTo = start, cached = true,
        }, JsonSerializerOptions.Web));

        // The slots are placed in the current week of the owner's zone: a December "now" keeps Berlin on CET whenever this runs.
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(start));
        var panel = Render<ForecastPanel>(p => p.Add(x => x.ChannelId, ChannelId).Add(x => x.Zone, Berlin));

        panel.WaitForAssertion(() => panel.Find("#forecast-caption").ParentElement!.QuerySelector("svg").Should().NotBeNull("the chart is drawn"), Patience);
        panel.Find("#forecast-caption").TextContent.Should().Contain("80%").And.Contain("Europe/Berlin");
        panel.Find(".rz-legend").TextContent.Should().Contain("Expected views").And.Contain("Upper bound");
        var days = panel.FindAll("[data-forecast=value]");
        days.Should().HaveCount(8, "168 UTC hours from midnight fall on 8 Berlin days");
        days[1].TextContent.Should().Be("240");
        panel.Find(".forecast-accuracy").TextContent.Should().Be(
            $"The forecast made {new DateTime(2026, 12, 5, 1, 0, 0).ToString("ddd d MMM t", CultureInfo.CurrentCulture)} was checked against 72 of its 168 hours: "
            + $"views fell inside its 80 % band in 75 % of them, and it was off by {3.5.ToString("N1", CultureInfo.CurrentCulture)} views an hour on average (6 % of the views).");
        panel.Find(".best-times li").TextContent.Should().Be($"Tuesday {new DateTime(2026, 12, 8, 19, 0, 0).ToString("t", CultureInfo.CurrentCulture)} — +35 % views per post (6 posts so far)");
        CallsTo("analytics").Select(r => r.RawTarget).Should().Contain(t => t.EndsWith("forecast?horizon=168", StringComparison.Ordinal))
            .And.Contain(t => t.EndsWith("best-time?top=3", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ml_app_down_says_when_to_try_again_and_trying_again_shows_the_forecast()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Sidecar.Handler = async context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "30";
            await context.Response.WriteAsync(
                """{"title":"Service Unavailable","status":503,"detail":"The forecasting service is unavailable; try again shortly."}""", context.RequestAborted);
        };

        var panel = Render<ForecastPanel>(p => p.Add(x => x.ChannelId, ChannelId).Add(x => x.Zone, Berlin));

        panel.WaitForAssertion(() => panel.Find(".forecast-problem strong").TextContent.Should().Be("Forecasts are unavailable right now, try again in 30 s."), Patience);
        panel.Find(".best-time-problem strong").TextContent.Should().Be("Posting-time suggestions are unavailable right now, try again in 30 s.");

        var start = DateTimeOffset.UtcNow;
        Answer("analytics", "GET", $"{Analytics}/forecast", 200, JsonSerializer.Serialize(new
        {
            channelId = ChannelId, horizonHours = 168, interval = 0.8, model = "m", historyFrom = start, historyTo = start,
            points = new[] { new { at = start.AddHours(1), value = 5.0, lower = 1.0, upper = 9.0 } }, cached = false,
        }, JsonSerializerOptions.Web));
        panel.Find("button.secondary").Click();
        panel.WaitForAssertion(() => panel.FindAll(".forecast-problem").Should().BeEmpty(), Patience);
        panel.Find("[data-forecast=value]").TextContent.Should().Be("5");
        panel.FindAll(".forecast-accuracy").Should().BeEmpty("ml had not forecast the channel before");
    }

    [Fact]
    public void Too_little_history_says_not_enough_history_yet()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("analytics", "GET", $"{Analytics}/forecast", 422,
            """{"title":"Unprocessable Entity","status":422,"detail":"A forecast needs 336 complete hours of history; the channel has 20.","requiredHours":336,"availableHours":20}""");
        Answer("analytics", "GET", $"{Analytics}/best-time", 422,
            """{"title":"Unprocessable Entity","status":422,"detail":"Too few posts to rank hours: 2 of at least 10."}""");

        var panel = Render<ForecastPanel>(p => p.Add(x => x.ChannelId, ChannelId).Add(x => x.Zone, Berlin));

        panel.WaitForAssertion(() => panel.Find(".forecast-problem strong").TextContent.Should().Be("Not enough history yet."), Patience);
        panel.Find(".forecast-problem p").TextContent.Should().Contain("336 complete hours");
        panel.Find(".best-time-problem p").TextContent.Should().Contain("Too few posts");
        panel.FindAll("svg").Should().BeEmpty();
    }

    [Fact]
    public void Slots_and_bands_map_to_the_zone_and_never_below_zero()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            // Sunday 23:00 UTC is Monday 00:00 in Berlin (winter).
            var slot = new PostingSlot("sunday", 23, 167, 3, 10, -0.1);
            ForecastBand.SlotText(slot, Berlin, new DateTimeOffset(2026, 12, 9, 12, 0, 0, TimeSpan.Zero)).Should().Be($"Monday {new DateTime(2026, 12, 14, 0, 0, 0).ToString("t", CultureInfo.CurrentCulture)}");
            ForecastBand.LiftText(slot).Should().Be("−10 % views per post");
            var forecast = new ChannelForecast(ChannelId, 1, 0.8, "m", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
                [new ForecastPoint(new DateTimeOffset(2026, 12, 9, 12, 0, 0, TimeSpan.Zero), -1, -5, 2)], null, false);
            ForecastBand.Points(forecast, Berlin).Single().Should().Be(
                new ForecastChartPoint(new DateTime(2026, 12, 9, 13, 0, 0), forecast.Points[0].At, 0, 0, 2));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
