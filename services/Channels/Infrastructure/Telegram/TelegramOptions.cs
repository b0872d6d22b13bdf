namespace DaprPlatform.Channels.Infrastructure.Telegram;

/// <summary>
/// Configuration section "Telegram". Keys are case-insensitive, so the secret store's "telegram:botToken" and
/// "telegram:webhookSecret" land here next to "Telegram:BaseUrl" from appsettings.
/// </summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    public Uri BaseUrl { get; set; } = new("https://api.telegram.org");

    public string? BotToken { get; set; }

    /// <summary>The secret_token given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token.</summary>
    public string? WebhookSecret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
