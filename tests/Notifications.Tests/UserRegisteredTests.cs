using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using System.Text.Json;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Features;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

public sealed class UserRegisteredTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    [Fact]
    public async Task Subscribe_endpoint_lists_user_registered_with_its_dead_letter_topic()
    {
        // Programmatic subscription (v1) as Dapr.AspNetCore's MapSubscribeHandler writes it: {pubsubName, topic, route, deadLetterTopic}
        // (daprd reads the names case-insensitively).
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("/dapr/subscribe");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var subscription = doc.RootElement.EnumerateArray().Should().ContainSingle(s => s.GetProperty("topic").GetString() == "user.registered").Subject;
        subscription.GetProperty("pubsubName").GetString().Should().Be("pubsub");
        subscription.GetProperty("route").GetString().Should().Be("events/user-registered", "the SDK writes the route pattern as mapped, without the leading slash");
        subscription.GetProperty("deadLetterTopic").GetString().Should().Be("user.registered.deadletter");
    }

    [Fact]
    public async Task Delivery_creates_welcome_notification_delivery_log_and_default_preferences()
    {
        var userId = Guid.NewGuid();
        using var client = _app.CreateClient();

        // Reply contract: 200 {"status":"SUCCESS"} acks the message.
        (await CloudEvents.DeliverAsync(client, Guid.NewGuid().ToString(), CloudEvents.UserRegistered(userId, "Ada Lovelace"))).Should().Be("SUCCESS");

        var notification = await _app.WithDbAsync(db => db.Notifications.SingleAsync(n => n.UserId == userId));
        notification.Kind.Should().Be(WelcomeMessage.Kind);
        notification.Title.Should().Contain("Ada Lovelace");
        notification.ReadAt.Should().BeNull();
        var log = await _app.WithDbAsync(db => db.DeliveryLog.Where(d => d.NotificationId == notification.Id).ToListAsync());
        log.Should().ContainSingle().Which.Should().Match<DeliveryAttempt>(d =>
            d.Channel == DeliveryChannel.InApp && d.Status == DeliveryStatus.Delivered && d.Error == null && d.UserId == userId);
        var preferences = await _app.WithDbAsync(db => db.Preferences.SingleAsync(p => p.UserId == userId));
        preferences.InApp.Should().BeTrue();
        preferences.Telegram.Should().BeFalse();
        preferences.Email.Should().BeFalse();
        fx.Bot.Calls.Should().NotContain(c => c.Body.Contains(userId.ToString()));
    }

    [Fact]
    public async Task Same_cloud_event_id_twice_is_processed_once()
    {
        // Pub/sub is at-least-once: the inbox keys on the CloudEvent id, so a redelivery is acknowledged without effect.
        var userId = Guid.NewGuid();
        var eventId = Guid.NewGuid().ToString();
        using var client = _app.CreateClient();

        (await CloudEvents.DeliverAsync(client, eventId, CloudEvents.UserRegistered(userId))).Should().Be("SUCCESS");
        (await CloudEvents.DeliverAsync(client, eventId, CloudEvents.UserRegistered(userId))).Should().Be("SUCCESS");

        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == userId))).Should().Be(1);
        (await _app.WithDbAsync(db => db.DeliveryLog.CountAsync(d => d.UserId == userId))).Should().Be(1);
        (await _app.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == eventId))).Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_duplicates_create_one_notification()
    {
        var userId = Guid.NewGuid();
        var eventId = Guid.NewGuid().ToString();
        using var client = _app.CreateClient();

        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CloudEvents.DeliverAsync(client, eventId, CloudEvents.UserRegistered(userId))));

        replies.Should().OnlyContain(r => r == "SUCCESS");
        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == userId))).Should().Be(1);
    }

    public static TheoryData<string, object?> GarbageData() => new()
    {
        { "string instead of object", "not an event" },
        { "user id not a guid", new { userId = "nope", email = "a@b.c", displayName = "A", role = "student", registeredAt = "2026-11-21T10:00:00Z" } },
        { "empty user id", new { userId = Guid.Empty, email = "a@b.c", displayName = "A", role = "student", registeredAt = "2026-11-21T10:00:00Z" } },
        { "no display name", new { userId = Guid.NewGuid(), email = "a@b.c", role = "student", registeredAt = "2026-11-21T10:00:00Z" } },
        { "array", new[] { 1, 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(GarbageData))]
    public async Task Garbage_data_is_dropped_and_writes_nothing(string because, object? data)
    {
        // DROP: an event that can never be processed goes to the dead-letter topic instead of being retried forever.
        using var client = _app.CreateClient();
        var eventId = Guid.NewGuid().ToString();
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());

        (await CloudEvents.DeliverAsync(client, eventId, data)).Should().Be("DROP", because);

        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before);
        (await _app.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == eventId))).Should().Be(0);
    }

    [Fact]
    public async Task Telegram_opt_in_sends_through_the_bot_api_and_logs_the_delivery()
    {
        var userId = Guid.NewGuid();
        using var api = _app.CreateClientFor(userId);
        using var put = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "987654321" });
        put.EnsureSuccessStatusCode();
        using var client = _app.CreateClient();

        (await CloudEvents.DeliverAsync(client, Guid.NewGuid().ToString(), CloudEvents.UserRegistered(userId, "Grace"))).Should().Be("SUCCESS");

        var call = fx.Bot.Calls.Should().ContainSingle(c => c.Body.Contains("987654321")).Subject;
        call.Path.Should().Be($"/bot{NotificationsFixture.BotToken}/sendMessage");
        using var body = JsonDocument.Parse(call.Body);
        // Telegram.Bot sends a numeric chat id as a JSON number (Bot API: chat_id is Integer or String).
        body.RootElement.GetProperty("chat_id").GetInt64().Should().Be(987654321);
        body.RootElement.GetProperty("text").GetString().Should().Contain("Grace");
        var log = await _app.WithDbAsync(db => db.DeliveryLog.Where(d => d.UserId == userId).ToListAsync());
        log.Should().HaveCount(2);
        log.Should().ContainSingle(d => d.Channel == DeliveryChannel.Telegram).Which.Status.Should().Be(DeliveryStatus.Delivered);
        log.Should().ContainSingle(d => d.Channel == DeliveryChannel.InApp).Which.Status.Should().Be(DeliveryStatus.Delivered);
    }

    [Fact]
    public async Task Telegram_failure_keeps_the_in_app_notification_and_logs_the_error()
    {
        var userId = Guid.NewGuid();
        using var api = _app.CreateClientFor(userId);
        using var put = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "-100200300" });
        put.EnsureSuccessStatusCode();
        fx.Bot.Reply = async context =>
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""");
        };
        using var client = _app.CreateClient();

        try
        {
            (await CloudEvents.DeliverAsync(client, Guid.NewGuid().ToString(), CloudEvents.UserRegistered(userId))).Should().Be("SUCCESS");
        }
        finally
        {
            fx.Bot.Reply = FakeBotApi.Ok;
        }

        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == userId))).Should().Be(1);
        var telegram = await _app.WithDbAsync(db => db.DeliveryLog.SingleAsync(d => d.UserId == userId && d.Channel == DeliveryChannel.Telegram));
        telegram.Status.Should().Be(DeliveryStatus.Failed);
        telegram.Error.Should().Contain("403").And.Contain("blocked");
    }
}
