namespace DaprPlatform.Telegram;

/// <summary>
/// Configuration section "Telegram". Keys are case-insensitive, so the secret store's "telegram:botToken" and
/// "telegram:webhookSecret" land here next to "Telegram:BaseUrl" from appsettings (DevHost points it at its stand-in).
/// </summary>
public sealed class TelegramSettings
{
    public const string SectionName = "Telegram";

    public Uri BaseUrl { get; set; } = new("https://api.telegram.org");

    public string? BotToken { get; set; }

    /// <summary>The secret_token given to setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token (channels).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How long one Bot API call may take before it counts as Telegram being unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool HasBotToken => !string.IsNullOrWhiteSpace(BotToken);
}
