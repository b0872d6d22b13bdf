using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Telegram;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// The notifications app (no sidecar) on its own database, sending Telegram messages to a fake Bot API; <paramref name="settings"/>
/// adds configuration and <paramref name="services"/> test services (e.g. a hand-moved clock).
/// </summary>
public sealed class NotificationsFactory(
    string connectionString, Uri telegramBaseUrl, string? botToken, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : ServiceFactory<Program, NotificationsDbContext>(
        new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["ConnectionStrings:notifications"] = connectionString },
        testServices =>
        {
            testServices.Configure<TelegramSettings>(o =>
            {
                o.BaseUrl = telegramBaseUrl;
                o.BotToken = botToken;
                o.Timeout = TimeSpan.FromSeconds(5);
            });
            services?.Invoke(testServices);
        })
{
    /// <summary>A client of a student.</summary>
    public HttpClient CreateClientFor(Guid userId) => CreateClientFor(userId, PlatformRoles.Student);
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
