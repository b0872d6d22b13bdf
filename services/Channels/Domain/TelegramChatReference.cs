using System.Globalization;
using System.Text.RegularExpressions;

namespace DaprPlatform.Channels.Domain;

/// <summary>What an owner types to name a channel: a public "@username" or a numeric chat id.</summary>
public sealed partial record TelegramChatReference
{
    private TelegramChatReference(string? username, long? chatId)
    {
        Username = username;
        ChatId = chatId;
    }

    /// <summary>"@name" form, or null when the reference is numeric.</summary>
    public string? Username { get; }

    public long? ChatId { get; }

    public static bool TryParse(string? value, out TelegramChatReference? reference, out string? error)
    {
        reference = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "telegram is required: a channel @username or its numeric chat id.";
            return false;
        }

        if (text.StartsWith('@'))
        {
            // Telegram usernames: 5–32 characters, letters, digits and underscores, starting with a letter.
            if (!UsernamePattern().IsMatch(text))
            {
                error = "telegram must be an @username of 5 to 32 letters, digits or underscores, starting with a letter.";
                return false;
            }

            reference = new TelegramChatReference(text, null);
            error = null;
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id != 0)
        {
            reference = new TelegramChatReference(null, id);
            error = null;
            return true;
        }

        error = "telegram must be an @username or a numeric chat id (e.g. -1001234567890).";
        return false;
    }

    public override string ToString() => Username ?? ChatId!.Value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^@[A-Za-z][A-Za-z0-9_]{4,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
