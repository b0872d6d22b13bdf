using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

/// <summary>The channel limit of the owner's plan (plan.changed, issue 18): enforced at registration, paused and resumed on changes.</summary>
public sealed class PlanLimitTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    [Fact]
    public async Task Free_owner_registers_one_channel_the_second_is_402_with_the_contract_body_and_nothing_written()
    {
        var owner = Guid.NewGuid();
        await fx.RegisterAsync(owner);
        fx.Bot.AddChat("second_free");
        var before = await fx.CountsAsync();
        using var client = fx.Owner(owner);

        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@second_free" }));

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await response.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/plan-limit");
        problem.GetProperty("title").GetString().Should().Be("Your plan's limit is reached.");
        problem.GetProperty("status").GetInt32().Should().Be(402);
        problem.GetProperty("detail").GetString().Should().Be("The free plan allows 1 channel.");
        problem.GetProperty("limit").GetString().Should().Be("maxChannels");
        problem.GetProperty("plan").GetString().Should().Be("free");
        problem.GetProperty("allowed").GetInt32().Should().Be(1);
        problem.GetProperty("liftedBy").GetString().Should().Be("pro");
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task After_plan_changed_to_pro_five_channels_register_and_the_sixth_is_402_lifted_by_business()
    {
        var owner = Guid.NewGuid();
        await fx.RegisterAsync(owner);
        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 1, reason: "subscribed")).Should().Be("SUCCESS");
        for (var i = 0; i < 4; i++)
        {
            await fx.RegisterAsync(owner);
        }

        fx.Bot.AddChat("sixth_pro");
        using var client = fx.Owner(owner);
        using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@sixth_pro" }));

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await response.ReadProblemAsync();
        (problem.GetProperty("plan").GetString(), problem.GetProperty("allowed").GetInt32(), problem.GetProperty("liftedBy").GetString())
            .Should().Be(("pro", 5, "business"));
        problem.GetProperty("detail").GetString().Should().Be("The pro plan allows 5 channels.");
        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.OwnerId == owner))).Should().Be(5);
    }

    [Fact]
    public async Task Concurrent_registrations_at_the_limit_let_exactly_one_through()
    {
        var owner = Guid.NewGuid();
        var chats = Enumerable.Range(0, 4).Select(i => fx.Bot.AddChat($"race_limit_{i}")).ToList();
        var attempts = chats.Select(async chat =>
        {
            using var client = fx.Owner(owner);
            using var response = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@" + chat.Username }));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);

        statuses.Count(s => s == HttpStatusCode.Created).Should().Be(1);
        statuses.Where(s => s != HttpStatusCode.Created).Should().OnlyContain(s => s == HttpStatusCode.PaymentRequired);
        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.OwnerId == owner))).Should().Be(1);
    }

    [Fact]
    public async Task A_downgrade_pauses_the_newest_extras_with_events_and_deletes_nothing_an_upgrade_resumes_them()
    {
        var (owner, ids) = await OwnerWithChannelsAsync("pro", 3);

        (await fx.DeliverPlanChangedAsync(owner, "free", version: 2, reason: "downgraded")).Should().Be("SUCCESS");

        var list = await Listed(owner);
        list[ids[0]].Should().Be(("active", (string?)null));
        list[ids[1]].Should().Be(("paused", "plan-limit"));
        list[ids[2]].Should().Be(("paused", "plan-limit"));
        using (var client = fx.Owner(owner))
        {
            var one = await client.GetFromJsonAsync<JsonElement>($"/api/channels/{ids[2]}");
            one.GetProperty("status").GetString().Should().Be("paused");
            one.GetProperty("pausedReason").GetString().Should().Be("plan-limit");
            one.GetProperty("pausedAt").ValueKind.Should().Be(JsonValueKind.String);
        }

        (await fx.OutboxEventsAsync("channel.paused", ids[0])).Should().BeEmpty();
        foreach (var id in ids.Skip(1))
        {
            var paused = (await fx.OutboxEventsAsync("channel.paused", id)).Should().ContainSingle().Subject;
            paused.GetProperty("ownerId").GetGuid().Should().Be(owner);
            paused.GetProperty("reason").GetString().Should().Be("plan-limit");
            paused.GetProperty("plan").GetString().Should().Be("free");
            paused.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
            paused.GetProperty("at").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        }

        // Free again: the one active channel fills the limit, so a new registration is refused rather than pausing anything.
        fx.Bot.AddChat("after_downgrade");
        using (var client = fx.Owner(owner))
        {
            using var refused = await client.PostAsync("/api/channels", ChannelsFixture.Json(new { telegram = "@after_downgrade" }));
            refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        }

        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 3, reason: "restored")).Should().Be("SUCCESS");

        (await Listed(owner)).Values.Should().AllBeEquivalentTo(("active", (string?)null));
        foreach (var id in ids.Skip(1))
        {
            var resumed = (await fx.OutboxEventsAsync("channel.resumed", id)).Should().ContainSingle().Subject;
            resumed.GetProperty("plan").GetString().Should().Be("pro");
            resumed.GetProperty("reason").GetString().Should().Be("plan-limit");
        }

        (await fx.Factory.WithDbAsync(db => db.Channels.CountAsync(c => c.OwnerId == owner))).Should().Be(3);
    }

    [Fact]
    public async Task A_rise_resumes_the_oldest_paused_first_up_to_the_new_limit()
    {
        var (owner, ids) = await OwnerWithChannelsAsync("business", 7);

        (await fx.DeliverPlanChangedAsync(owner, "free", version: 2, reason: "canceled")).Should().Be("SUCCESS");
        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 3, reason: "subscribed")).Should().Be("SUCCESS");

        var list = await Listed(owner);
        ids.Take(5).Select(id => list[id].Status).Should().OnlyContain(s => s == "active");
        ids.Skip(5).Select(id => list[id].Status).Should().OnlyContain(s => s == "paused");
        (await fx.OutboxEventsAsync("channel.resumed", ids[4])).Should().ContainSingle();
        (await fx.OutboxEventsAsync("channel.resumed", ids[5])).Should().BeEmpty();
        (await fx.OutboxEventsAsync("channel.paused", ids[6])).Should().ContainSingle("paused once, and not again by a plan that still excludes it");
    }

    [Fact]
    public async Task A_stale_or_repeated_plan_changed_changes_nothing()
    {
        var owner = Guid.NewGuid();
        var eventId = Guid.NewGuid().ToString();
        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 5, eventId)).Should().Be("SUCCESS");
        var a = (await fx.RegisterAsync(owner)).GetProperty("id").GetGuid();
        var b = (await fx.RegisterAsync(owner)).GetProperty("id").GetGuid();

        // Older (arrived late), equal (a republish under a new id) and the same CloudEvent again: all acknowledged, none applied.
        (await fx.DeliverPlanChangedAsync(owner, "free", version: 4)).Should().Be("SUCCESS");
        (await fx.DeliverPlanChangedAsync(owner, "free", version: 5)).Should().Be("SUCCESS");
        (await fx.DeliverPlanChangedAsync(owner, "free", version: 9, eventId)).Should().Be("SUCCESS");

        (await Listed(owner)).Values.Should().AllBeEquivalentTo(("active", (string?)null));
        (await fx.OutboxEventsAsync("channel.paused", b)).Should().BeEmpty();
        var stored = await fx.Factory.WithDbAsync(db => db.OwnerPlans.SingleAsync(p => p.OwnerId == owner));
        (stored.Plan, stored.MaxChannels, stored.Version).Should().Be(("pro", 5, 5L));
        a.Should().NotBe(b);
    }

    [Fact]
    public async Task A_paused_channel_refuses_metrics_with_402_and_its_webhook_updates_are_acknowledged_not_ingested()
    {
        var owner = Guid.NewGuid();
        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 1)).Should().Be("SUCCESS");
        await fx.RegisterAsync(owner);
        var chat = fx.Bot.AddChat($"paused_{Guid.NewGuid():N}"[..20]);
        var paused = (await fx.RegisterAsync(owner, chat)).GetProperty("id").GetGuid();
        (await fx.DeliverPlanChangedAsync(owner, "free", version: 2, reason: "downgraded")).Should().Be("SUCCESS");
        var before = await fx.CountsAsync();
        using var client = fx.Owner(owner);

        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        using var metrics = await client.PostAsync($"/api/channels/{paused}/metrics",
            ChannelsFixture.Json(new { samples = new[] { new { id = "s1", kind = "views", value = 3, at } } }));

        metrics.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await metrics.ReadProblemAsync();
        (problem.GetProperty("limit").GetString(), problem.GetProperty("plan").GetString(), problem.GetProperty("liftedBy").GetString())
            .Should().Be(("maxChannels", "free", "pro"));
        problem.GetProperty("detail").GetString().Should().Contain("paused");

        var update = UpdateIds.Next().ToString(CultureInfo.InvariantCulture);
        var chatId = chat.Id.ToString(CultureInfo.InvariantCulture);
        using var webhook = await fx.PostUpdateAsync($$$"""
            {"update_id":{{{update}}},"channel_post":{"message_id":7,"chat":{"id":{{{chatId}}},"type":"channel","title":"x"},"date":1795000000,"text":"hello"}}
            """);

        webhook.StatusCode.Should().Be(HttpStatusCode.OK, "Telegram redelivers anything but a 200");
        var receipt = await webhook.Content.ReadFromJsonAsync<JsonElement>();
        (receipt.GetProperty("status").GetString(), receipt.GetProperty("samples").GetInt32()).Should().Be(("paused", 0));
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Removing_the_active_channel_resumes_the_oldest_plan_paused_one()
    {
        var (owner, ids) = await OwnerWithChannelsAsync("pro", 3);

        (await fx.DeliverPlanChangedAsync(owner, "free", version: 2)).Should().Be("SUCCESS");
        using var client = fx.Owner(owner);

        (await client.DeleteAsync($"/api/channels/{ids[0]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var list = await Listed(owner);
        list.Keys.Should().BeEquivalentTo([ids[1], ids[2]]);
        list[ids[1]].Should().Be(("active", (string?)null));
        list[ids[2]].Should().Be(("paused", "plan-limit"));
        (await fx.OutboxEventsAsync("channel.resumed", ids[1])).Should().ContainSingle();
    }

    [Fact]
    public async Task Admins_read_paused_channels_too()
    {
        var owner = Guid.NewGuid();
        (await fx.DeliverPlanChangedAsync(owner, "pro", version: 1)).Should().Be("SUCCESS");
        await fx.RegisterAsync(owner);
        var second = (await fx.RegisterAsync(owner)).GetProperty("id").GetGuid();
        (await fx.DeliverPlanChangedAsync(owner, "free", version: 2)).Should().Be("SUCCESS");
        using var admin = fx.Admin();

        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/channels/{second}");

        read.GetProperty("status").GetString().Should().Be("paused");
    }

    public static TheoryData<string, string> BadPlanChangedEvents() => new()
    {
        // name, data (JSON): each can never be applied, so it is dropped (dead-lettered) and changes nothing
        { "owner missing", """{"plan":"pro","entitlements":{"maxChannels":5},"version":1,"changedAt":"2026-12-07T10:00:00+00:00"}""" },
        { "owner empty", """{"ownerId":"00000000-0000-0000-0000-000000000000","plan":"pro","entitlements":{"maxChannels":5},"version":1}""" },
        { "plan missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","entitlements":{"maxChannels":5},"version":1}""" },
        { "entitlements missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","version":1}""" },
        { "maxChannels missing", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"historyDays":90},"version":1}""" },
        { "maxChannels negative", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"maxChannels":-1},"version":1}""" },
        { "maxChannels text", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"maxChannels":"five"},"version":1}""" },
        { "version text", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000001","plan":"pro","entitlements":{"maxChannels":5},"version":"v1"}""" },
        { "data an array", "[1,2]" },
    };

    [Theory]
    [MemberData(nameof(BadPlanChangedEvents))]
    public async Task Unusable_plan_changed_events_are_dropped_and_change_nothing(string name, string data)
    {
        var before = await fx.Factory.WithDbAsync(db => db.OwnerPlans.CountAsync());
        using var envelope = CloudEventDelivery.Envelope(Guid.NewGuid().ToString(), JsonDocument.Parse(data).RootElement, "plan.changed", "payments");
        using var client = fx.Factory.CreateClient();

        (await client.DeliverAsync("/events/plan-changed", envelope)).Should().Be("DROP", name);
        (await fx.Factory.WithDbAsync(db => db.OwnerPlans.CountAsync())).Should().Be(before, name);
    }

    /// <summary>A new owner on <paramref name="plan"/> (version 1) with <paramref name="count"/> channels, oldest first.</summary>
    private async Task<(Guid Owner, List<Guid> Ids)> OwnerWithChannelsAsync(string plan, int count)
    {
        var owner = Guid.NewGuid();
        (await fx.DeliverPlanChangedAsync(owner, plan, version: 1)).Should().Be("SUCCESS");
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await fx.RegisterAsync(owner)).GetProperty("id").GetGuid());
        }

        return (owner, ids);
    }

    private async Task<Dictionary<Guid, (string Status, string? PausedReason)>> Listed(Guid owner)
    {
        using var client = fx.Owner(owner);
        var page = await client.GetFromJsonAsync<JsonElement>("/api/channels?pageSize=100");
        return page.GetProperty("items").EnumerateArray().ToDictionary(
            c => c.GetProperty("id").GetGuid(),
            c => (c.GetProperty("status").GetString()!, c.GetProperty("pausedReason").GetString()));
    }
}
