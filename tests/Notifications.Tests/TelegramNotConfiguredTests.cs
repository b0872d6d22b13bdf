using System.Net.Http.Json;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>No bot token configured: the Telegram row says so, nothing crashes, the in-app notification stays.</summary>
public sealed class TelegramNotConfiguredTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("notif_nobot");
    private FakeBotApi _bot = null!;
    private NotificationsFactory _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _bot = await FakeBotApi.StartAsync();
        _app = new NotificationsFactory(_database.ConnectionString, _bot.BaseUrl, botToken: null);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bot.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Opted_in_user_gets_a_not_configured_telegram_row_and_the_in_app_notification()
    {
        var userId = Guid.NewGuid();
        using var api = _app.CreateClientFor(userId);
        (await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "555" })).EnsureSuccessStatusCode();
        using var client = _app.CreateClient();

        (await CloudEvents.DeliverAsync(client, Guid.NewGuid().ToString(), CloudEvents.UserRegistered(userId))).Should().Be("SUCCESS");

        var telegram = await _app.WithDbAsync(db => db.DeliveryLog.SingleAsync(d => d.UserId == userId && d.Channel == DeliveryChannel.Telegram));
        telegram.Status.Should().Be(DeliveryStatus.NotConfigured);
        telegram.Error.Should().Contain("not configured");
        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == userId))).Should().Be(1);
        _bot.Calls.Should().BeEmpty();
    }
}
