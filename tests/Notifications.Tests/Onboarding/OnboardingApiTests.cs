using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests.Onboarding;

/// <summary>The onboarding saga's notification steps: default preferences and a welcome sent once per idempotency key.</summary>
public sealed class OnboardingApiTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private readonly NotificationsFactory _app = fx.Factory;

    [Fact]
    public async Task Default_preferences_are_created_once_and_existing_choices_are_kept()
    {
        var userId = Guid.NewGuid();
        using var client = _app.CreateAppClient();

        using var first = await client.PutAsync($"/internal/preferences/{userId}/defaults", null);
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        using var owner = _app.CreateClientFor(userId);
        using var chosen = await owner.PutAsJsonAsync("/api/notifications/preferences", new { inApp = false, telegram = true, email = false, telegramChatId = "12345" });
        chosen.EnsureSuccessStatusCode();

        using var again = await client.PutAsync($"/internal/preferences/{userId}/defaults", null);

        again.StatusCode.Should().Be(HttpStatusCode.OK, "a redelivered step must not reset what the user chose");
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("telegram").GetBoolean().Should().BeTrue();
        body.GetProperty("inApp").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Welcome_without_a_chat_id_is_one_in_app_notification_even_when_redelivered()
    {
        // Dapr rule: activities run at least once, so the welcome is deduplicated on the saga's key.
        var userId = Guid.NewGuid();
        var request = new { userId, displayName = "Grace", idempotencyKey = $"wf-{userId:N}:SendWelcome" };
        using var client = _app.CreateAppClient();

        using var first = await client.PostAsJsonAsync("/internal/notifications/welcome", request);
        using var again = await client.PostAsJsonAsync("/internal/notifications/welcome", request);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        var againBody = await again.Content.ReadFromJsonAsync<JsonElement>();
        firstBody.GetProperty("channel").GetString().Should().Be("inApp");
        againBody.GetProperty("duplicate").GetBoolean().Should().BeTrue();
        againBody.GetProperty("notificationId").GetGuid().Should().Be(firstBody.GetProperty("notificationId").GetGuid());
        var notifications = await _app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == userId).ToListAsync());
        notifications.Should().ContainSingle().Which.Title.Should().Contain("Grace");
    }

    [Fact]
    public async Task Welcome_with_a_chat_id_is_sent_once_through_telegram_sendMessage()
    {
        var userId = Guid.NewGuid();
        var chatId = "-100" + Random.Shared.NextInt64(1_000_000, 9_999_999);
        var request = new { userId, displayName = "Linus", telegramChatId = chatId, idempotencyKey = $"wf-{userId:N}:SendWelcome" };
        using var client = _app.CreateAppClient();

        using var first = await client.PostAsJsonAsync("/internal/notifications/welcome", request);
        using var again = await client.PostAsJsonAsync("/internal/notifications/welcome", request);

        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("channel").GetString().Should().Be("telegram");
        body.GetProperty("status").GetString().Should().Be("delivered");
        fx.Bot.Calls.Where(c => c.Path.EndsWith("/sendMessage", StringComparison.Ordinal) && c.Body.Contains(chatId, StringComparison.Ordinal))
            .Should().ContainSingle("a redelivered welcome must not message the user twice");
        var log = await _app.WithDbAsync(db => db.DeliveryLog.Where(d => d.UserId == userId).ToListAsync());
        log.Should().ContainSingle().Which.Channel.Should().Be(DeliveryChannel.Telegram);
    }

    [Fact]
    public async Task User_registered_from_onboarding_creates_default_preferences_but_leaves_the_welcome_to_the_saga()
    {
        var userId = Guid.NewGuid();
        using var client = _app.CreateClient();
        var data = new { userId, email = "o@example.com", displayName = "Onboarded", role = "student", registeredAt = DateTimeOffset.UtcNow, origin = "onboarding" };

        (await CloudEvents.DeliverAsync(client, Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");

        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == userId))).Should().Be(0);
        (await _app.WithDbAsync(db => db.Preferences.CountAsync(p => p.UserId == userId))).Should().Be(1);
    }

    public static TheoryData<string> BadInputCases() => new(BadInput.Keys);

    [Theory]
    [MemberData(nameof(BadInputCases))]
    public async Task Bad_input_is_a_problem_and_writes_nothing(string name)
    {
        var (request, status, fields) = BadInput[name]();
        // "no caller": not through a sidecar at all; "another app": through one, but from an app the route does not admit.
        using var client = name.StartsWith("no caller", StringComparison.Ordinal) ? _app.CreateClient()
            : name.StartsWith("another app", StringComparison.Ordinal) ? _app.CreateAppClient("gateway")
            : _app.CreateAppClient();
        var before = await CountRowsAsync();

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        (await CountRowsAsync()).Should().Be(before);
        request.Dispose();
    }

    private static readonly Dictionary<string, Func<(HttpRequestMessage, HttpStatusCode, string[])>> BadInput = new()
    {
        ["welcome: all fields missing"] = () => (Json("/internal/notifications/welcome", new { }), HttpStatusCode.BadRequest, ["userId", "displayName", "idempotencyKey"]),
        ["welcome: bad chat id"] = () => (Json("/internal/notifications/welcome", new { userId = Guid.NewGuid(), displayName = "A", telegramChatId = "chat me", idempotencyKey = "k" }),
            HttpStatusCode.BadRequest, ["telegramChatId"]),
        ["welcome: display name over 100 characters"] = () => (Json("/internal/notifications/welcome", new { userId = Guid.NewGuid(), displayName = new string('a', 101), idempotencyKey = "k" }),
            HttpStatusCode.BadRequest, ["displayName"]),
        ["welcome: key over 200 characters"] = () => (Json("/internal/notifications/welcome", new { userId = Guid.NewGuid(), displayName = "A", idempotencyKey = new string('k', 201) }),
            HttpStatusCode.BadRequest, ["idempotencyKey"]),
        ["welcome: malformed JSON"] = () => (new HttpRequestMessage(HttpMethod.Post, "/internal/notifications/welcome") { Content = new StringContent("{\"userId\":", Encoding.UTF8, "application/json") },
            HttpStatusCode.BadRequest, []),
        ["defaults: empty user id"] = () => (new HttpRequestMessage(HttpMethod.Put, $"/internal/preferences/{Guid.Empty}/defaults"), HttpStatusCode.BadRequest, ["userId"]),
        ["defaults: not a GUID"] = () => (new HttpRequestMessage(HttpMethod.Put, "/internal/preferences/abc/defaults"), HttpStatusCode.NotFound, []),
        ["no caller app id: welcome"] = () => (Json("/internal/notifications/welcome", new { userId = Guid.NewGuid(), displayName = "A", idempotencyKey = "k-direct" }), HttpStatusCode.Forbidden, []),
        ["no caller app id: defaults"] = () => (new HttpRequestMessage(HttpMethod.Put, $"/internal/preferences/{Guid.NewGuid()}/defaults"), HttpStatusCode.Forbidden, []),
        ["another app: welcome"] = () => (Json("/internal/notifications/welcome", new { userId = Guid.NewGuid(), displayName = "A", idempotencyKey = "k-other-app" }), HttpStatusCode.Forbidden, []),
        ["another app: defaults"] = () => (new HttpRequestMessage(HttpMethod.Put, $"/internal/preferences/{Guid.NewGuid()}/defaults"), HttpStatusCode.Forbidden, []),
    };

    private Task<RowCounts> CountRowsAsync() => fx.Database.CountRowsAsync("notifications", "notification_preferences", "inbox_messages");

    private static HttpRequestMessage Json(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
}
