using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Monetary;
using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>payout.initiated, payout.completed and payout.failed (issue 17's contract) reach the tutor, once each.</summary>
public sealed class PayoutEventTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    private static PayoutChanged Payout(Guid tutorId, long amount = 8500, string? reason = null) => new(
        Guid.NewGuid(), tutorId, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
        new MoneyPayload(amount, "USD"), reason is null ? "tr_1" : null, reason);

    [Fact]
    public async Task Subscribe_lists_the_three_payout_topics_each_with_its_dead_letter_topic()
    {
        using var client = _app.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var topics = subscriptions.EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!, s => s.GetProperty("deadLetterTopic").GetString());
        foreach (var topic in new[] { "payout.initiated", "payout.completed", "payout.failed" })
        {
            topics.Should().ContainKey(topic).WhoseValue.Should().Be(topic + ".deadletter");
        }
    }

    [Fact]
    public async Task Each_payout_event_tells_the_tutor_once_however_often_it_is_delivered()
    {
        var tutorId = Guid.NewGuid();
        var payout = Payout(tutorId);
        using var client = _app.CreateClient();
        var initiated = Guid.NewGuid().ToString();

        (await DeliverAsync(client, "/events/payout-initiated", initiated, payout)).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/payout-initiated", initiated, payout)).Should().Be("SUCCESS");
        (await DeliverAsync(client, "/events/payout-completed", Guid.NewGuid().ToString(), payout)).Should().Be("SUCCESS");

        var notifications = await NotificationsOfAsync(tutorId);
        notifications.Should().HaveCount(2);
        notifications.Should().ContainSingle(n => n.Kind == PayoutMessages.InitiatedKind).Which.Title.Should().Be("Payout of 85.00 USD on its way");
        notifications.Should().ContainSingle(n => n.Kind == PayoutMessages.CompletedKind).Which.Should().Match<Notification>(n =>
            n.Title == "Paid out: 85.00 USD" && n.Body.Contains("30 Nov 2026 00:00 – 7 Dec 2026 00:00 UTC"));
    }

    [Fact]
    public async Task A_failed_payout_says_why_and_that_the_next_payout_pays_it()
    {
        var tutorId = Guid.NewGuid();
        using var client = _app.CreateClient();

        (await DeliverAsync(client, "/events/payout-failed", Guid.NewGuid().ToString(), Payout(tutorId, reason: "balance_insufficient: no funds"))).Should().Be("SUCCESS");

        var failed = (await NotificationsOfAsync(tutorId)).Should().ContainSingle().Subject;
        failed.Kind.Should().Be(PayoutMessages.FailedKind);
        failed.Body.Should().Contain("balance_insufficient: no funds").And.Contain("next payout");
    }

    [Fact]
    public async Task A_payout_event_naming_no_tutor_is_dropped()
    {
        using var client = _app.CreateClient();

        (await DeliverAsync(client, "/events/payout-completed", Guid.NewGuid().ToString(), Payout(Guid.Empty))).Should().Be("DROP");
    }

    private Task<List<Notification>> NotificationsOfAsync(Guid userId) =>
        _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync());

    private static async Task<string> DeliverAsync(HttpClient client, string route, string id, object data)
    {
        using var envelope = CloudEvents.Envelope(id, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), topic: route);
        return await client.DeliverAsync(route, envelope);
    }
}
