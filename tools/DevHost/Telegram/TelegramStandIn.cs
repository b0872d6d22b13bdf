using System.Globalization;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>
/// A local stand-in for the Telegram Bot API methods the services call (getMe, getChat, getChatMemberCount,
/// sendMessage, and the webhook methods) plus a control API under <c>/standin</c>. A documented test double (see <see cref="StandInChats"/>
/// for its conventions): state lives in memory and is gone when it stops.
/// </summary>
public sealed class TelegramStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _webhookClient;

    private TelegramStandIn(WebApplication app, HttpClient webhookClient, StandInChats chats, StandInWebhook webhook, TelegramStandInOptions options)
    {
        _app = app;
        _webhookClient = webhookClient;
        Chats = chats;
        Webhook = webhook;
        BotToken = options.BotToken;
        BaseUrl = new Uri($"http://127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>What the apps get as <c>Telegram__BaseUrl</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>What the apps get as <c>Telegram__BotToken</c>; every other token is answered 401 Unauthorized.</summary>
    public string BotToken { get; }

    public StandInChats Chats { get; }

    public StandInWebhook Webhook { get; }

    /// <summary>The variables an app needs to talk to the stand-in instead of api.telegram.org.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Telegram__BaseUrl"] = BaseUrl.ToString().TrimEnd('/'),
        ["Telegram__BotToken"] = BotToken,
    };

    public static async Task<TelegramStandIn> StartAsync(TelegramStandInOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TelegramStandInOptions.IsWellFormedToken(options.BotToken))
        {
            throw new DevHostConfigurationException($"Telegram stand-in: bot token '{options.BotToken}' is not of the form <bot id>:<secret>.");
        }

        var app = LoopbackListener.Build(options.Port);
        var chats = new StandInChats(time);
        var webhookClient = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var webhook = new StandInWebhook(webhookClient);
        BotApiEndpoints.Map(app, chats, webhook, options, time);
        StandInControlEndpoints.Map(app, chats, webhook);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            webhookClient.Dispose();
            throw new DevHostConfigurationException($"Telegram stand-in cannot listen on 127.0.0.1:{options.Port}: {ex.Message}");
        }

        return new TelegramStandIn(app, webhookClient, chats, webhook, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _webhookClient.Dispose();
    }
}
