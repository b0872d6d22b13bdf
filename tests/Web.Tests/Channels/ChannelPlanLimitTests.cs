using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Channels;

namespace DaprPlatform.Web.Tests.Channels;

/// <summary>Plan limits on the owner's channel pages: the channel limit at registration, paused channels, history beyond the plan.</summary>
public sealed class ChannelPlanLimitTests : ChannelsComponentContext
{
    private static readonly Guid ChannelId = Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    private static readonly Guid PausedId = Guid.Parse("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9");

    private static string Channel(Guid id, string username, string title, bool paused = false) =>
        $$"""{"id":"{{id}}","telegramChatId":-1001,"username":"{{username}}","title":"{{title}}","ownerId":"{{Guid.NewGuid()}}","subscribers":10,"createdAt":"2026-12-07T09:30:00+00:00","status":"{{(paused ? "paused" : "active")}}","pausedReason":{{(paused ? "\"plan-limit\"" : "null")}},"pausedAt":{{(paused ? "\"2026-12-07T10:00:00+00:00\"" : "null")}}}""";

    private static string PlanLimit(string limit, long allowed, string? liftedBy, string detail) =>
        $$"""{"type":"https://daprplatform.dev/problems/plan-limit","title":"Your plan's limit is reached.","status":402,"detail":"{{detail}}","limit":"{{limit}}","plan":"free","allowed":{{allowed}},"liftedBy":{{(liftedBy is null ? "null" : $"\"{liftedBy}\"")}}}""";

    [Fact]
    public void Registering_over_the_channel_limit_offers_the_upgrade()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200, $$"""{"items":[{{Channel(ChannelId, "@first_one", "First")}}],"page":1,"pageSize":100,"total":1}""");
        Answer("channels", "POST", "api/channels", 402, PlanLimit("maxChannels", 1, "pro", "The free plan allows 1 channel."));
        var page = Render<ChannelList>();
        page.WaitForAssertion(() => page.Find("tbody"), Patience);

        page.Find("#telegram").Change("@second_one");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".plan-limit").TextContent.Should().Be("Your free plan allows 1 channel — upgrade to Pro"), Patience);
        page.Find(".plan-limit a").GetAttribute("href").Should().Be("/plans");
        page.Find(".plan-limit").GetAttribute("role").Should().Be("alert");
        page.FindAll("tbody tr").Should().HaveCount(1);
    }

    [Fact]
    public void A_limit_no_plan_lifts_says_so_without_a_link()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200, """{"items":[],"page":1,"pageSize":100,"total":0}""");
        Answer("channels", "POST", "api/channels", 402, PlanLimit("maxChannels", 25, null, "The business plan allows 25 channels."));
        var page = Render<ChannelList>();
        page.WaitForAssertion(() => page.Find(".empty"), Patience);

        page.Find("#telegram").Change("@another_one");
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".plan-limit").TextContent.Should().Contain("Your free plan allows 25 channels.").And.Contain("No plan lifts this limit."), Patience);
        page.FindAll(".plan-limit a").Should().BeEmpty();
    }

    [Fact]
    public void A_paused_channel_is_marked_with_its_reason_and_the_upgrade_link()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer("channels", "GET", "api/channels", 200,
            $$"""{"items":[{{Channel(PausedId, "@paused_one", "Paused One", paused: true)}},{{Channel(ChannelId, "@first_one", "First")}}],"page":1,"pageSize":100,"total":2}""");

        var page = Render<ChannelList>();

        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().HaveCount(2), Patience);
        var rows = page.FindAll("tbody tr");
        rows[0].QuerySelector(".paused-badge")!.TextContent.Should().Be("Paused");
        rows[0].QuerySelector(".paused-reason")!.TextContent.Should().Contain("your plan allows fewer channels than you have");
        rows[1].QuerySelector(".paused-badge").Should().BeNull();
        page.Find(".paused-note a").GetAttribute("href").Should().Be("/plans");
    }

    [Fact]
    public void The_dashboard_of_a_paused_channel_says_so_and_history_beyond_the_plan_offers_the_upgrade()
    {
        SignIn(PlatformRoles.ChannelOwner);
        var analytics = $"api/analytics/channels/{PausedId}";
        Answer("channels", "GET", $"api/channels/{PausedId}", 200, Channel(PausedId, "@paused_one", "Paused One", paused: true));
        var now = DateTimeOffset.UtcNow;
        Answer("analytics", "GET", $"{analytics}/realtime", 200,
            $$"""{"channelId":"{{PausedId}}","from":"{{now.AddHours(-1):O}}","to":"{{now:O}}","totals":{"views":0,"reactions":0,"forwards":0,"posts":0,"joins":0,"leaves":0},"subscribers":null,"engagementRate":0,"perMinute":[]}""");
        Answer("analytics", "GET", $"{analytics}/live", 200, "");
        Answer("analytics", "GET", $"{analytics}/summary", 402, PlanLimit("historyDays", 7, "pro", "The free plan keeps 7 days of history."));

        var page = Render<ChannelDashboard>(p => p.Add(x => x.Id, PausedId));

        page.WaitForAssertion(() => page.Find(".notice.paused").TextContent.Should().Contain("Paused: your plan allows fewer channels").And.Contain("Upgrade your plan to resume it."), Patience);
        page.Find(".notice.paused a").GetAttribute("href").Should().Be("/plans");
        page.WaitForAssertion(() => page.Find("#summary-30d").ParentElement!.QuerySelector(".plan-limit")!.TextContent
            .Should().Be("Your free plan keeps 7 days of history — upgrade to Pro"), Patience);
        page.Find("#summary-30d").ParentElement!.QuerySelector(".plan-limit a")!.GetAttribute("href").Should().Be("/plans");
    }
}
