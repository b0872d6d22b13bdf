namespace DaprPlatform.Notifications.Infrastructure.Telegram;

/// <summary>Configuration section "Telegram" (keys are case-insensitive, so the secret store's "telegram:botToken" lands in BotToken).</summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    public Uri BaseUrl { get; set; } = new("https://api.telegram.org");

    public string? BotToken { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
