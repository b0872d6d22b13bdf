using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>plan.changed, channel.paused and channel.resumed (issue 18's contract) reach the owner, once each.</summary>
public sealed class PlanEventTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    private static ChannelPauseChanged Pause(Guid ownerId, string plan = "free") =>
        new(Guid.NewGuid(), ownerId, "Analytic News", "plan-limit", plan, new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Subscribe_lists_the_plan_and_pause_topics_each_with_its_dead_letter_topic()
    {
        using var client = _app.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var topics = subscriptions.EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!, s => s.GetProperty("deadLetterTopic").GetString());
        foreach (var topic in new[] { "plan.changed", "channel.paused", "channel.resumed" })
        {
            topics.Should().ContainKey(topic).WhoseValue.Should().Be(topic + ".deadletter");
        }
    }

    [Fact]
    public async Task A_paused_and_a_resumed_channel_each_tell_the_owner_once_however_often_delivered()
    {
        var owner = Guid.NewGuid();
        var paused = Pause(owner);
        using var client = _app.CreateClient();
        var pausedId = Guid.NewGuid().ToString();

        (await CloudEvents.DeliverToAsync(client, "/events/channel-paused", pausedId, paused)).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, "/events/channel-paused", pausedId, paused)).Should().Be("SUCCESS");
        var resumedId = Guid.NewGuid().ToString();
        (await CloudEvents.DeliverToAsync(client, "/events/channel-resumed", resumedId, paused with { Plan = "pro" })).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, "/events/channel-resumed", resumedId, paused with { Plan = "pro" })).Should().Be("SUCCESS");

        var notifications = await NotificationsOfAsync(owner);
        notifications.Should().HaveCount(2);
        notifications.Should().ContainSingle(n => n.Kind == PlanMessages.ChannelPausedKind).Which.Should().Match<Notification>(n =>
            n.Title == "Channel paused: Analytic News" && n.Body.Contains("your Free plan allows fewer channels") && n.Body.Contains("history is kept"));
        notifications.Should().ContainSingle(n => n.Kind == PlanMessages.ChannelResumedKind).Which.Should().Match<Notification>(n =>
            n.Title == "Channel resumed: Analytic News" && n.Body.Contains("under your Pro plan"));
    }

    public static TheoryData<string, string, string> Reasons() => new()
    {
        // reason, expected title, a phrase of the body
        { "subscribed", "Welcome to Pro", "Your Pro subscription is active. It includes up to 5 channels, 90 days of history, anomaly alerts, 30 report exports a month." },
        { "changed", "Your plan is now Pro", "You moved from the Free plan to Pro." },
        { "canceled", "Your subscription ended: you are on Pro", "Channels beyond its limit are paused, not deleted." },
        { "downgraded", "Payment overdue: moved to Pro", "within the grace period" },
        { "restored", "Your Pro plan is restored", "Your payment went through" },
        { "renamed", "Your plan is now Pro", "Your account is on the Pro plan." },
    };

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task A_plan_change_tells_the_owner_in_words_of_its_reason(string reason, string title, string phrase)
    {
        var owner = Guid.NewGuid();
        using var client = _app.CreateClient();
        var data = PlanChangedEvents.Data(owner, "pro", version: 2, reason, previousPlan: "free");

        (await CloudEvents.DeliverToAsync(client, "/events/plan-changed", Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");

        var notice = (await NotificationsOfAsync(owner)).Should().ContainSingle().Subject;
        notice.Kind.Should().Be(PlanMessages.PlanChangedKind);
        notice.Title.Should().Be(title);
        notice.Body.Should().Contain(phrase);
    }

    [Fact]
    public async Task A_plan_change_is_told_once_per_version_even_republished_under_a_new_id_and_on_Telegram_when_chosen()
    {
        var owner = Guid.NewGuid();
        using (var api = _app.CreateClientFor(owner))
        {
            using var put = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "777000333" });
            put.EnsureSuccessStatusCode();
        }

        using var client = _app.CreateClient();
        var downgrade = PlanChangedEvents.Data(owner, "free", version: 7, "downgraded", previousPlan: "pro");

        (await CloudEvents.DeliverToAsync(client, "/events/plan-changed", Guid.NewGuid().ToString(), downgrade)).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, "/events/plan-changed", Guid.NewGuid().ToString(), downgrade)).Should().Be("SUCCESS");
        (await CloudEvents.DeliverToAsync(client, "/events/plan-changed", Guid.NewGuid().ToString(), PlanChangedEvents.Data(owner, "pro", version: 8, "restored"))).Should().Be("SUCCESS");

        var notices = await NotificationsOfAsync(owner);
        notices.Select(n => n.Title).Should().BeEquivalentTo("Payment overdue: moved to Free", "Your Pro plan is restored");
        notices.Single(n => n.Title.StartsWith("Payment", StringComparison.Ordinal)).Body.Should().Contain("the Pro plan").And.Contain("1 channel, 7 days of history, no anomaly alerts");
        fx.Bot.Calls.Where(c => c.Body.Contains("777000333")).Should().HaveCount(2);
    }

    public static TheoryData<string, string, string> Unusable() => new()
    {
        // name, route, data (JSON): none names someone to tell, so each is dropped and writes nothing
        { "plan without owner", "/events/plan-changed", """{"plan":"pro","reason":"subscribed","version":1}""" },
        { "plan without plan", "/events/plan-changed", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000009","reason":"subscribed","version":1}""" },
        { "plan version text", "/events/plan-changed", """{"ownerId":"6f1c1b3e-0000-4000-8000-000000000009","plan":"pro","version":"one"}""" },
        { "paused without owner", "/events/channel-paused", """{"channelId":"6f1c1b3e-0000-4000-8000-000000000001","title":"x","reason":"plan-limit","plan":"free"}""" },
        { "resumed without owner", "/events/channel-resumed", """{"channelId":"6f1c1b3e-0000-4000-8000-000000000001","title":"x","plan":"pro"}""" },
        { "paused an array", "/events/channel-paused", "[1]" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task Events_naming_nobody_are_dropped_and_write_nothing(string name, string route, string data)
    {
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());
        using var client = _app.CreateClient();
        using var envelope = CloudEvents.Envelope(Guid.NewGuid().ToString(), JsonDocument.Parse(data).RootElement, topic: route);

        (await client.DeliverAsync(route, envelope)).Should().Be("DROP", name);
        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before, name);
    }

    private Task<List<Notification>> NotificationsOfAsync(Guid userId) =>
        _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync());
}
