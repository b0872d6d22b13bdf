using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Channels.Tests;

public sealed record TableCounts(long Channels, long Updates, long Outbox);

/// <summary>The channels app in-process on its own real Postgres database, talking to a fake Bot API.</summary>
public sealed class ChannelsFactory(string connectionString, Uri telegramBaseUrl, string? botToken, string? webhookSecret) : WebApplicationFactory<Program>
{
    public TestAccessTokens Tokens { get; } = new();

    public HttpClient CreateClientFor(Guid userId, string role)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(userId, role));
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<ChannelsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChannelsDbContext>());
    }

    public Task<TableCounts> CountsAsync() => WithDbAsync(async db => new TableCounts(
        await db.Channels.LongCountAsync(), await db.TelegramUpdates.LongCountAsync(), await db.OutboxMessages.LongCountAsync()));

    /// <summary>Outbox rows of one topic whose payload names the channel, oldest first, as parsed JSON.</summary>
    public Task<List<JsonElement>> OutboxEventsAsync(string topic, Guid channelId) => WithDbAsync(async db =>
    {
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.Topic == topic).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows
            .Select(r => JsonDocument.Parse(r.Payload).RootElement.Clone())
            .Where(p => p.GetProperty("channelId").GetGuid() == channelId)
            .ToList();
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:channels", connectionString);
        builder.UseSetting("Telegram:BaseUrl", telegramBaseUrl.ToString());
        builder.UseSetting("Telegram:Timeout", "00:00:05");
        builder.UseSetting("telegram:botToken", botToken ?? string.Empty);
        builder.UseSetting("telegram:webhookSecret", webhookSecret ?? string.Empty);
        // No sidecar in these tests (closed ports, no secret store).
        builder.UseNoSidecar();
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Tokens.KeySource);
        });
    }
}

/// <summary>A fresh database, a fake Bot API and the service, per test class.</summary>
public sealed class ChannelsFixture : IAsyncLifetime
{
    public const string BotToken = "123456:channels-test-token";
    public const string WebhookSecret = "webhook-secret-Abc_123";

    public PostgresDatabase Database { get; } = new("channels");

    public FakeTelegramBotApi Bot { get; private set; } = null!;

    public ChannelsFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Bot = await FakeTelegramBotApi.StartAsync(BotToken);
        Factory = new ChannelsFactory(Database.ConnectionString, Bot.BaseUrl, BotToken, WebhookSecret);
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Bot.DisposeAsync();
        await Database.DisposeAsync();
    }

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

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}

/// <summary>Telegram update ids no other test uses (random over a range wide enough that collisions do not happen).</summary>
public static class UpdateIds
{
    public static long Next() => Random.Shared.NextInt64(1, long.MaxValue / 2);
}
