using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Notifications.Domain;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>The dunning saga's notices (/internal/notifications/billing): in-app, Telegram when chosen, once per idempotency key.</summary>
public sealed class BillingNoticeApiTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    [Fact]
    public async Task A_reminder_is_one_in_app_notice_and_one_telegram_message_even_when_redelivered()
    {
        var userId = Guid.NewGuid();
        var chatId = "-100" + Random.Shared.NextInt64(1_000_000, 9_999_999);
        using (var owner = _app.CreateClientFor(userId))
        using (var chosen = await owner.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = chatId }))
        {
            chosen.EnsureSuccessStatusCode();
        }

        var request = new { userId, kind = "payment-reminder", graceUntil = new DateTimeOffset(2026, 12, 14, 10, 0, 0, TimeSpan.Zero), reminder = 2, idempotencyKey = $"dunning-{userId:N}:Reminder2" };
        using var saga = _app.CreateAppClient();

        using var first = await saga.PostAsJsonAsync("/internal/notifications/billing", request);
        using var again = await saga.PostAsJsonAsync("/internal/notifications/billing", request);

        first.StatusCode.Should().Be(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean().Should().BeFalse();
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean().Should().BeTrue();
        var notice = (await _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync())).Should().ContainSingle().Subject;
        notice.Kind.Should().Be("payment-reminder");
        notice.Body.Should().Contain("Reminder 2").And.Contain("2026-12-14 10:00 UTC");
        fx.Bot.Calls.Where(c => c.Path.EndsWith("/sendMessage", StringComparison.Ordinal) && c.Body.Contains(chatId, StringComparison.Ordinal)).Should().ContainSingle();
        var log = await _app.WithDbAsync(db => db.DeliveryLog.Where(d => d.UserId == userId).Select(d => d.Channel).ToListAsync());
        log.Should().BeEquivalentTo([DeliveryChannel.InApp, DeliveryChannel.Telegram]);
    }

    [Theory]
    [InlineData("plan-downgraded", "Your plan is now free")]
    [InlineData("payment-received", "Payment received")]
    public async Task The_downgrade_and_the_recovery_are_told_in_app(string kind, string title)
    {
        var userId = Guid.NewGuid();
        using var saga = _app.CreateAppClient();

        using var response = await saga.PostAsJsonAsync("/internal/notifications/billing", new { userId, kind, graceUntil = DateTimeOffset.UtcNow, plan = "free", idempotencyKey = $"d-{userId:N}:{kind}" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _app.WithDbAsync(db => db.Notifications.SingleAsync(n => n.UserId == userId))).Title.Should().Be(title);
    }

    public static TheoryData<string, string, string?> BadNotices() => new()
    {
        { "null", "null", null },
        { "no user", """{"kind":"payment-received","graceUntil":"2026-12-14T10:00:00Z","idempotencyKey":"k1"}""", "userId" },
        { "unknown kind", """{"userId":"6f1c1b3e-0000-4000-8000-000000000001","kind":"spam","graceUntil":"2026-12-14T10:00:00Z","idempotencyKey":"k2"}""", "kind" },
        { "no grace end", """{"userId":"6f1c1b3e-0000-4000-8000-000000000001","kind":"payment-received","idempotencyKey":"k3"}""", "graceUntil" },
        { "reminder without number", """{"userId":"6f1c1b3e-0000-4000-8000-000000000001","kind":"payment-reminder","graceUntil":"2026-12-14T10:00:00Z","idempotencyKey":"k4"}""", "reminder" },
        { "long plan", $$"""{"userId":"6f1c1b3e-0000-4000-8000-000000000001","kind":"plan-downgraded","graceUntil":"2026-12-14T10:00:00Z","plan":"{{new string('p', 33)}}","idempotencyKey":"k5"}""", "plan" },
        { "no key", """{"userId":"6f1c1b3e-0000-4000-8000-000000000001","kind":"payment-received","graceUntil":"2026-12-14T10:00:00Z"}""", "idempotencyKey" },
        { "malformed", """{"userId":""", null },
    };

    [Theory]
    [MemberData(nameof(BadNotices))]
    public async Task Bad_notices_are_problems_on_their_field_and_write_nothing(string name, string body, string? field)
    {
        using var saga = _app.CreateAppClient();
        var before = await _app.WithDbAsync(db => db.Notifications.CountAsync());

        using var response = await saga.PostAsync("/internal/notifications/billing", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, name);
        if (field is not null)
        {
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(name);
        }

        (await _app.WithDbAsync(db => db.Notifications.CountAsync())).Should().Be(before, name);
    }

    [Fact]
    public async Task Only_the_workflows_app_may_send_billing_notices()
    {
        using var payments = _app.CreateAppClient("payments");
        using var response = await payments.PostAsJsonAsync("/internal/notifications/billing", new { userId = Guid.NewGuid(), kind = "payment-received", graceUntil = DateTimeOffset.UtcNow, idempotencyKey = "k" });
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
