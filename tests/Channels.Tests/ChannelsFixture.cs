using System.Text;
using System.Text.Json;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Channels.Tests;

/// <summary>A fresh database, a fake Bot API and the channels app (no sidecar), per test class.</summary>
public sealed class ChannelsFixture : IAsyncLifetime
{
    public const string BotToken = "123456:channels-test-token";
    public const string WebhookSecret = "webhook-secret-Abc_123";

    public PostgresDatabase Database { get; } = new("channels");

    public FakeTelegramBotApi Bot { get; private set; } = null!;

    public ServiceFactory<Program, ChannelsDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Bot = await FakeTelegramBotApi.StartAsync(BotToken);
        Factory = new ServiceFactory<Program, ChannelsDbContext>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:channels"] = Database.ConnectionString,
            ["Telegram:BaseUrl"] = Bot.BaseUrl.ToString(),
            ["Telegram:Timeout"] = "00:00:05",
            ["telegram:botToken"] = BotToken,
            ["telegram:webhookSecret"] = WebhookSecret,
        });
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Bot.DisposeAsync();
        await Database.DisposeAsync();
    }

    public Task<RowCounts> CountsAsync() => Database.CountRowsAsync("channels", "telegram_updates", "outbox_messages");

    /// <summary>Outbox rows of one topic whose payload names the channel, oldest first, as parsed JSON.</summary>
    public async Task<List<JsonElement>> OutboxEventsAsync(string topic, Guid channelId) =>
        [.. (await Factory.WithDbAsync(db => db.EventsAboutAsync("channelId", channelId, t => t == topic))).Select(e => e.Data)];

    public HttpClient Owner(Guid ownerId) => Factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);

    public HttpClient Admin() => Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

    /// <summary>Registers a fresh fake channel for <paramref name="ownerId"/> and returns its API representation.</summary>
    public async Task<JsonElement> RegisterAsync(Guid ownerId, FakeChat? chat = null)
    {
        chat ??= Bot.AddChat($"ch_{Guid.NewGuid():N}"[..20]);
        using var client = Owner(ownerId);
        using var response = await client.PostAsync("/api/channels", Json(new { telegram = "@" + chat.Username }));
        var body = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> PostUpdateAsync(string updateJson, string? secret = WebhookSecret)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram/webhook") { Content = new StringContent(updateJson, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        return await client.SendAsync(request);
    }

    /// <summary>
    /// Delivers <c>plan.changed</c> as daprd does (a CloudEvent POSTed to the subscription route) with the catalogue's
    /// values for <paramref name="plan"/> (issue 18's contract) and returns the app's reply (SUCCESS / RETRY / DROP).
    /// </summary>
    public async Task<string> DeliverPlanChangedAsync(Guid ownerId, string plan, long version, string? eventId = null, string reason = "changed")
    {
        using var envelope = CloudEventDelivery.Envelope(eventId ?? Guid.NewGuid().ToString(), PlanChangedEvents.Data(ownerId, plan, version, reason), PlanChangedEvents.Topic, "payments", options: JsonSerializerOptions.Web);
        using var client = Factory.CreateClient();
        return await client.DeliverAsync("/events/plan-changed", envelope);
    }

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}

/// <summary>
/// Telegram update ids no other test uses (random over a range wide enough that collisions do not happen). The Bot API's
/// update_id is a 32-bit Integer, as Telegram.Bot reads it.
/// </summary>
public static class UpdateIds
{
    public static long Next() => Random.Shared.NextInt64(1, int.MaxValue);
}
