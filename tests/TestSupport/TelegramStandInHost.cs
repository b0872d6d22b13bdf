using DaprPlatform.DevHost;
using DaprPlatform.DevHost.Telegram;
using Xunit;

namespace DaprPlatform.TestSupport;

/// <summary>
/// DevHost's Telegram Bot API stand-in alone (no sidecars, no apps) on a free loopback port, with a client for its
/// Bot API (<see cref="BotPath"/>) and its control API (<c>/standin/...</c>). A class fixture, or started per test.
/// </summary>
public sealed class TelegramStandInHost : IAsyncLifetime
{
    public TelegramStandIn StandIn { get; private set; } = null!;

    /// <summary>Addressed at the stand-in's base URL.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>"/bot&lt;token&gt;", the prefix of every Bot API method for the stand-in's own bot.</summary>
    public string BotPath => $"/bot{StandIn.BotToken}";

    public async Task InitializeAsync()
    {
        StandIn = await TelegramStandIn.StartAsync(new TelegramStandInOptions { Port = FreeTcpPort.Next() }, TimeProvider.System, CancellationToken.None);
        Client = new HttpClient { BaseAddress = StandIn.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await StandIn.DisposeAsync();
    }
}
