using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Infrastructure.Telegram;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Notifications.Tests;

public sealed class NotificationsFactory(string connectionString, Uri telegramBaseUrl, string? botToken) : WebApplicationFactory<Program>
{
    public TestAccessTokens Tokens { get; } = new();

    public HttpClient CreateClientFor(Guid userId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Issue(userId, PlatformRoles.Student));
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<NotificationsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<NotificationsDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:notifications", connectionString);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Tokens.KeySource);
            services.Configure<TelegramOptions>(o =>
            {
                o.BaseUrl = telegramBaseUrl;
                o.BotToken = botToken;
                o.Timeout = TimeSpan.FromSeconds(5);
            });
        });
    }
}

/// <summary>A fresh database, a fake Bot API and the service, per test class.</summary>
public sealed class NotificationsFixture : IAsyncLifetime
{
    public const string BotToken = "123456:test-token";

    public PostgresDatabase Database { get; } = new("notif");

    public FakeBotApi Bot { get; private set; } = null!;

    public NotificationsFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Bot = await FakeBotApi.StartAsync();
        Factory = new NotificationsFactory(Database.ConnectionString, Bot.BaseUrl, BotToken);
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Bot.DisposeAsync();
        await Database.DisposeAsync();
    }
}
