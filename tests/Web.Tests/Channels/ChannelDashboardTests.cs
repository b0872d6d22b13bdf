using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using DaprPlatform.Web.Features.Channels;

namespace DaprPlatform.Web.Tests.Channels;

public sealed class ChannelDashboardTests : ChannelsComponentContext
{
    private static readonly Guid ChannelId = Guid.Parse("0d5e7c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6");
    private static readonly string Analytics = $"api/analytics/channels/{ChannelId}";

    // Whole hours ago, so the anomalous hour lies inside the last 24.
    private static readonly DateTimeOffset AnomalousHour = StartOfHour(DateTimeOffset.UtcNow.AddHours(-3));

    [Fact]
    public void Shows_the_live_chart_the_hourly_chart_with_its_anomaly_the_insights_and_the_summaries()
    {
        SignIn(PlatformRoles.ChannelOwner);
        AnswerChannel();
        var now = StartOfMinute(DateTimeOffset.UtcNow);
        AnswerRealtime(minutes: 60, Realtime(now, (now.AddMinutes(-2), 30, 2, 1), (now, 12, 0, 0)));
        AnswerRealtime(minutes: 1440, Realtime(now, (AnomalousHour.AddMinutes(5), 900, 4, 0), (AnomalousHour.AddHours(-1), 20, 1, 0)));
        Answer("analytics", "GET", $"{Analytics}/live", 200, "");
        Answer("analytics", "GET", $"{Analytics}/insights", 200, $$"""
            {"channelId":"{{ChannelId}}","trend":{"direction":"rising","slopePerHour":12.5,"hours":48},
             "bestPostingHours":[{"hourOfDay":9,"posts":3,"viewsPerPost":120.5}],
             "anomalies":[{"hour":"{{AnomalousHour:O}}","views":900,"median":40,"score":8.25,"detectedAt":"{{AnomalousHour.AddHours(1):O}}"}]}
            """);
        AnswerSummaries();

        var page = Render<ChannelDashboard>(p => p.Add(x => x.Id, ChannelId));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Some Channel"), Patience);
        page.WaitForAssertion(() => page.Find("[data-metric=views]").TextContent.Should().Be("42"), Patience);
        page.Find("[data-metric=reactions]").TextContent.Should().Be("2");
        page.Find("#live-caption").TextContent.Should().Contain("times in Europe/Berlin");
        page.Find("#live-caption").ParentElement!.QuerySelector("svg").Should().NotBeNull("the live chart is drawn");
        page.FindAll("figure table tbody tr").Select(r => r.Children[1].TextContent).Should().Equal("12", "30");

        page.WaitForAssertion(() => page.Find(".anomalies").TextContent.Should().Contain("900 views where about 40 were usual"), Patience);
        var expectedHour = ZonedTimeText(AnomalousHour);
        page.Find(".anomalies time").TextContent.Should().Be(expectedHour);
        page.WaitForAssertion(() => page.Find("#hourly-caption").ParentElement!.QuerySelector("svg").Should().NotBeNull(), Patience);
        var hourly = page.Find("#hourly-caption").ParentElement!;
        hourly.QuerySelectorAll(".rz-scatter-series .rz-marker").Should().ContainSingle("the one anomalous hour is marked on the chart");
        hourly.QuerySelector(".rz-legend")!.TextContent.Should().Contain("Anomaly");
        page.Find("#insights-heading").ParentElement!.TextContent.Should().Contain("Views are rising by about 12.5 per hour over the last 48 hours.");
        page.Find("#posting-heading").NextElementSibling!.TextContent.Should().Contain("3 posts, 120.5 views per post");

        page.Find("#summary-24h").ParentElement!.TextContent.Should().Contain("Posts per day").And.Contain(0.025.ToString("P1", System.Globalization.CultureInfo.CurrentCulture));
        page.WaitForAssertion(() => page.Find("#summary-30d").ParentElement!.QuerySelector("svg").Should().NotBeNull(), Patience);
        CallsTo("analytics").Should().Contain(r => r.RawTarget.EndsWith("summary?period=30d", StringComparison.Ordinal));
        page.Markup.Should().NotContain("perMinute").And.NotContain("{\"", "no raw JSON on the page");
    }

    [Fact]
    public void A_live_event_moves_the_chart_without_reloading()
    {
        SignIn(PlatformRoles.ChannelOwner);
        AnswerChannel();
        var now = StartOfMinute(DateTimeOffset.UtcNow);
        AnswerRealtime(minutes: 60, Realtime(now));
        AnswerRealtime(minutes: 1440, Realtime(now));
        Answer("analytics", "GET", $"{Analytics}/insights", 404, "");
        AnswerSummaries();
        var page = Render<ChannelDashboard>(p => p.Add(x => x.Id, ChannelId));
        page.WaitForAssertion(() => page.Find("#live-heading").ParentElement!.TextContent.Should().Contain("No samples in the last 60 minutes yet"), Patience);

        page.WaitForAssertion(() => page.Find("#hourly-heading").ParentElement!.TextContent.Should().Contain("No samples in the last 24 hours yet"), Patience);
        page.Find("#insights-heading").ParentElement!.TextContent.Should().Contain("Analytics is starting to watch this channel", "analytics' 404 for a channel the channels app found means not yet");
        AnswerRealtime(minutes: 1440, Realtime(now.AddSeconds(20), (now, 42, 0, 3)));
        var live = JsonSerializer.Serialize(JsonDocument.Parse(Realtime(now.AddSeconds(20), (now, 42, 0, 3))).RootElement);
        Answer("analytics", "GET", $"{Analytics}/live", 200, $"event: realtime\ndata: {live}\n\n");

        page.WaitForAssertion(() => page.Find("[data-metric=views]").TextContent.Should().Be("42"), Patience);
        page.Find("[data-metric=joins]").TextContent.Should().Be("3");
        page.WaitForAssertion(() => page.Find("#live-caption").ParentElement!.QuerySelector("svg").Should().NotBeNull("the chart appears"), Patience);
        page.Find(".live-state").TextContent.Should().Be("Live: updates as samples arrive.");
        page.WaitForAssertion(() => page.Find("#hourly-caption").ParentElement!.QuerySelector("svg").Should().NotBeNull("new counts reload the hourly chart"), Patience);
        page.WaitForAssertion(() => CallsTo("analytics").Count(r => r.Path.EndsWith("/live", StringComparison.Ordinal)).Should().BeGreaterThan(1, "the stream is reopened when it ends"), Patience);
    }

    [Fact]
    public void Another_owners_channel_is_not_found_and_nothing_of_it_is_asked()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", $"api/channels/{ChannelId}", 404, $$"""{"title":"Not Found","status":404,"detail":"Channel {{ChannelId}} was not found."}""");

        var page = Render<ChannelDashboard>(p => p.Add(x => x.Id, ChannelId));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Channel not found"), Patience);
        Thread.Sleep(300);
        CallsTo("analytics").Should().BeEmpty();
    }

    [Fact]
    public void A_test_sample_is_posted_and_a_refused_value_is_shown_next_to_its_field()
    {
        SignIn(PlatformRoles.ChannelOwner);
        AnswerChannel();
        var now = StartOfMinute(DateTimeOffset.UtcNow);
        AnswerRealtime(minutes: 60, Realtime(now));
        AnswerRealtime(minutes: 1440, Realtime(now));
        AnswerSummaries();
        Answer("analytics", "GET", $"{Analytics}/live", 200, "");
        Answer("channels", "POST", $"api/channels/{ChannelId}/metrics", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"samples[0].value":["value must not be negative."]}}""");
        var page = Render<ChannelDashboard>(p => p.Add(x => x.Id, ChannelId));
        // Interact once everything has loaded, so no render of late answers races the form's events.
        page.WaitForAssertion(() => page.Find("#summary-30d").ParentElement!.TextContent.Should().Contain("Posts per day"), Patience);

        Interact(() => page.Find("#sample-kind").Change("joins"));
        Interact(() => page.Find("#sample-value").Change("-5"));
        Interact(() => page.Find("form").Submit());

        page.WaitForAssertion(() => page.Find("#value-error").TextContent.Should().Be("value must not be negative."), Patience);
        page.Find("#sample-value").GetAttribute("aria-invalid").Should().Be("true");
        var sample = JsonDocument.Parse(CallsTo("channels").Last().Body).RootElement.GetProperty("samples")[0];
        sample.GetProperty("kind").GetString().Should().Be("joins");
        sample.GetProperty("value").GetInt64().Should().Be(-5);
        sample.GetProperty("id").GetString().Should().NotBeNullOrEmpty();

        Answer("channels", "POST", $"api/channels/{ChannelId}/metrics", 202, """{"accepted":1}""");
        Interact(() => page.Find("#sample-value").Change("7"));
        Interact(() => page.Find("form").Submit());
        page.WaitForAssertion(() => page.Find(".saved").TextContent.Should().Be("Sent 7 joins."), Patience);
        page.FindAll("#value-error").Should().BeEmpty();
    }

    private void AnswerChannel() =>
        Answer("channels", "GET", $"api/channels/{ChannelId}", 200,
            $$"""{"id":"{{ChannelId}}","telegramChatId":-1001,"username":"@some_channel","title":"Some Channel","ownerId":"{{Guid.NewGuid()}}","subscribers":1234,"createdAt":"2026-12-07T09:30:00+00:00"}""");

    private void AnswerRealtime(int minutes, string json)
    {
        var path = $"/v1.0/invoke/analytics/method/{Analytics}/realtime";
        Sidecar.Respond(r => r.Method == "GET" && r.Path == path && r.RawTarget.EndsWith($"minutes={minutes}", StringComparison.Ordinal) ? new SidecarReply(200, json) : null);
    }

    private void AnswerSummaries()
    {
        foreach (var period in new[] { "24h", "30d" })
        {
            var json = $$"""
                {"channelId":"{{ChannelId}}","period":"{{period}}","from":"2026-12-06T12:00:00+00:00","to":"2026-12-07T12:00:00+00:00",
                 "totals":{"views":1000,"reactions":20,"forwards":5,"posts":3,"joins":7,"leaves":1},"subscribers":1240,"subscriberGrowth":6,
                 "engagementRate":0.025,"postsPerDay":3}
                """;
            Sidecar.Respond(r => r.Method == "GET" && r.Path.EndsWith($"{Analytics}/summary", StringComparison.Ordinal) && r.RawTarget.EndsWith("period=" + period, StringComparison.Ordinal)
                ? new SidecarReply(200, json) : null);
        }
    }

    private static string Realtime(DateTimeOffset to, params (DateTimeOffset At, long Views, long Reactions, long Joins)[] minutes)
    {
        var points = minutes.Select(m => new { at = m.At, views = m.Views, reactions = m.Reactions, forwards = 0, posts = 0, joins = m.Joins, leaves = 0 });
        return JsonSerializer.Serialize(new
        {
            channelId = ChannelId,
            from = to.AddMinutes(-59),
            to,
            totals = new { views = minutes.Sum(m => m.Views), reactions = 0, forwards = 0, posts = 0, joins = 0, leaves = 0 },
            subscribers = (long?)null,
            engagementRate = 0.0,
            perMinute = points,
        });
    }

    private static string ZonedTimeText(DateTimeOffset at) =>
        Web.Infrastructure.Formatting.ZonedTimeText.Format(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

    private static DateTimeOffset StartOfMinute(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);

    private static DateTimeOffset StartOfHour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
}
