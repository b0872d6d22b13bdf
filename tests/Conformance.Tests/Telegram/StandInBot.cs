using Telegram.Bot;

namespace DaprPlatform.Conformance.Tests.Telegram;

/// <summary>Telegram.Bot's client pointed at the stand-in, configured as the services configure it (services/Shared/Telegram).</summary>
internal static class StandInBot
{
    /// <param name="token">The stand-in's own bot by default; another token to see how Telegram refuses it.</param>
    /// <param name="sleepThroughFloodControl">Telegram.Bot's own default: wait out a 429's retry_after and call again.</param>
    public static TelegramBotClient For(TelegramStandInHost host, string? token = null, bool sleepThroughFloodControl = false)
    {
        var options = new TelegramBotClientOptions(token ?? host.StandIn.BotToken, host.StandIn.BaseUrl.ToString());
        if (!sleepThroughFloodControl) { options.RetryThreshold = 0; }
        return new TelegramBotClient(options, host.Client);
    }
}
