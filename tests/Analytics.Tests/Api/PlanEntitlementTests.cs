using System.Net;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>The history limit of the channel owner's plan (plan.changed, issue 18), enforced on the read API.</summary>
public sealed class PlanEntitlementTests(AnalyticsPlatform platform) : IClassFixture<AnalyticsPlatform>
{
    [Fact]
    public async Task A_30_day_summary_on_free_is_402_with_the_contract_body_and_on_pro_it_is_200()
    {
        var (channelId, owner) = await ChannelAsync();
        using var client = platform.Factory.CreateClientFor(owner);

        using var refused = await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period=30d");

        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await refused.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/plan-limit");
        problem.GetProperty("title").GetString().Should().Be("Your plan's limit is reached.");
        problem.GetProperty("detail").GetString().Should().Be("The free plan keeps 7 days of history.");
        problem.GetProperty("limit").GetString().Should().Be("historyDays");
        problem.GetProperty("plan").GetString().Should().Be("free");
        problem.GetProperty("allowed").GetInt32().Should().Be(7);
        problem.GetProperty("liftedBy").GetString().Should().Be("pro");

        foreach (var period in new[] { "24h", "7d" })
        {
            (await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period={period}")).StatusCode.Should().Be(HttpStatusCode.OK, period);
        }

        (await client.GetAsync($"/api/analytics/channels/{channelId}/realtime?minutes=1440")).StatusCode.Should().Be(HttpStatusCode.OK, "realtime stays within 24 hours");

        (await platform.DeliverPlanChangedAsync(owner, "pro", version: 1)).Should().Be("SUCCESS");

        using var allowed = await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period=30d");
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("period").GetString().Should().Be("30d");
    }

    [Fact]
    public async Task An_admin_reading_a_free_owners_channel_meets_the_owners_limit()
    {
        var (channelId, _) = await ChannelAsync();
        using var admin = platform.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

        using var response = await admin.GetAsync($"/api/analytics/channels/{channelId}/summary?period=30d");

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        (await response.ReadProblemAsync()).GetProperty("plan").GetString().Should().Be("free");
    }

    [Fact]
    public async Task A_stale_or_repeated_plan_changed_is_acknowledged_and_ignored()
    {
        var (channelId, owner) = await ChannelAsync();
        var eventId = Guid.NewGuid().ToString();
        (await platform.DeliverPlanChangedAsync(owner, "pro", version: 4, eventId)).Should().Be("SUCCESS");
        (await platform.DeliverPlanChangedAsync(owner, "free", version: 3)).Should().Be("SUCCESS");
        (await platform.DeliverPlanChangedAsync(owner, "free", version: 4)).Should().Be("SUCCESS");
        (await platform.DeliverPlanChangedAsync(owner, "free", version: 8, eventId)).Should().Be("SUCCESS");
        using var client = platform.Factory.CreateClientFor(owner);

        (await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period=30d")).StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = await platform.Factory.WithDbAsync(db => db.OwnerPlans.AsNoTracking().SingleAsync(p => p.OwnerId == owner));
        (stored.Plan, stored.HistoryDays, stored.AnomalyAlerts, stored.Version).Should().Be(("pro", 90, true, 4L));

        (await platform.DeliverPlanChangedAsync(owner, "free", version: 5)).Should().Be("SUCCESS");
        (await client.GetAsync($"/api/analytics/channels/{channelId}/summary?period=30d")).StatusCode.Should().Be(HttpStatusCode.PaymentRequired, "a newer downgrade applies");
    }

    public static TheoryData<string, string> BadPlanChangedEvents() => new()
    {
        // name, data (JSON): each can never be applied, so it is dropped (dead-lettered) and changes nothing
        { "owner missing", """{"plan":"pro","entitlements":{"historyDays":90,"anomalyAlerts":true},"version":1}""" },
        { "owner empty", """{"ownerId":"00000000-0000-0000-0000-000000000000","plan":"pro","entitlements":{"historyDays":90,"anomalyAlerts":true},"version":1}""" },
        { "plan blank", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":" ","entitlements":{"historyDays":90,"anomalyAlerts":true},"version":1}""" },
        { "entitlements missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","version":1}""" },
        { "historyDays missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"anomalyAlerts":true},"version":1}""" },
        { "historyDays 0", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"historyDays":0,"anomalyAlerts":true},"version":1}""" },
        { "anomalyAlerts missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"historyDays":90},"version":1}""" },
        { "anomalyAlerts text", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"historyDays":90,"anomalyAlerts":"yes"},"version":1}""" },
        { "data a string", "\"pro\"" },
    };

    [Theory]
    [MemberData(nameof(BadPlanChangedEvents))]
    public async Task Unusable_plan_changed_events_are_dropped_and_change_nothing(string name, string data)
    {
        var before = await platform.Factory.WithDbAsync(db => db.OwnerPlans.CountAsync());

        (await platform.DeliverAsync("/events/plan-changed", Guid.NewGuid().ToString(), JsonDocument.Parse(data).RootElement, PlanChangedEvents.Topic)).Should().Be("DROP", name);

        (await platform.Factory.WithDbAsync(db => db.OwnerPlans.CountAsync())).Should().Be(before, name);
    }

    private async Task<(Guid ChannelId, Guid Owner)> ChannelAsync()
    {
        var (channelId, owner) = (Guid.NewGuid(), Guid.NewGuid());
        (await platform.RegisterChannelAsync(channelId, owner)).Should().Be("SUCCESS");
        return (channelId, owner);
    }
}
