using Telegram.Bot;

namespace DaprPlatform.Telegram;

/// <summary>
/// The bot the configuration names: Telegram.Bot's client, or null when no bot token is configured, in which case
/// callers report "not configured" and call nothing. (Dependency injection cannot hand a handler an optional client.)
/// </summary>
public sealed record ConfiguredTelegramBot(ITelegramBotClient? Client);
