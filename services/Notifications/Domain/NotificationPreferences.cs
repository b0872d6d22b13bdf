using System.Text.RegularExpressions;

namespace DaprPlatform.Notifications.Domain;

/// <summary>Which channels a user wants notifications on.</summary>
public sealed partial class NotificationPreferences
{
    public const int MaxTelegramChatIdLength = 64;

    private NotificationPreferences()
    {
    }

    public Guid UserId { get; private set; }
    public bool InApp { get; private set; }
    public bool Telegram { get; private set; }
    public bool Email { get; private set; }
    public string? TelegramChatId { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>True when a Telegram message can actually be sent to this user.</summary>
    public bool WantsTelegram => Telegram && TelegramChatId is not null;

    /// <summary>New accounts get in-app only: external channels need the user's explicit opt-in.</summary>
    public static NotificationPreferences DefaultFor(Guid userId, DateTimeOffset now) => new()
    {
        UserId = userId,
        InApp = true,
        Telegram = false,
        Email = false,
        UpdatedAt = now,
    };

    public void Update(bool inApp, bool telegram, bool email, string? telegramChatId, DateTimeOffset now)
    {
        var chatId = string.IsNullOrWhiteSpace(telegramChatId) ? null : telegramChatId.Trim();
        if (chatId is not null && !IsValidTelegramChatId(chatId))
        {
            throw new ArgumentException("Not a Telegram chat id.", nameof(telegramChatId));
        }

        if (telegram && chatId is null)
        {
            throw new ArgumentException("Telegram delivery needs a chat id.", nameof(telegramChatId));
        }

        InApp = inApp;
        Telegram = telegram;
        Email = email;
        TelegramChatId = chatId;
        UpdatedAt = now;
    }

    /// <summary>Telegram chat ids are integers (negative for groups) or a public @username.</summary>
    public static bool IsValidTelegramChatId(string value) =>
        value.Length <= MaxTelegramChatIdLength && TelegramChatIdPattern().IsMatch(value);

    [GeneratedRegex(@"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$", RegexOptions.CultureInvariant)]
    private static partial Regex TelegramChatIdPattern();
}
