using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>A chat the stand-in knows. <paramref name="Type"/> is Telegram's: private, group, supergroup or channel.</summary>
/// <param name="MigratedTo">For a group upgraded to a supergroup: the supergroup's id, which Telegram names in every refusal.</param>
public sealed record StandInChat(long Id, string Type, string? Title, string? Username, string? FirstName, int MemberCount, string? Description, long? MigratedTo = null);

/// <summary>A message a bot sent through <c>sendMessage</c>, as the stand-in recorded it.</summary>
public sealed record StandInMessage(long ChatId, int MessageId, string Text, string? ParseMode, DateTimeOffset SentAt);

/// <summary>
/// A Bot API failure: the HTTP status equals <paramref name="ErrorCode"/>, as Telegram answers; <paramref name="RetryAfter"/>
/// and <paramref name="MigrateToChatId"/> are its ResponseParameters.
/// </summary>
public sealed record BotApiError(int ErrorCode, string Description, int? RetryAfter = null, long? MigrateToChatId = null)
{
    public static BotApiError ChatNotFound { get; } = new(400, "Bad Request: chat not found");

    public static BotApiError Migrated(long supergroupId) => new(400, "Bad Request: group chat was upgraded to a supergroup chat", MigrateToChatId: supergroupId);
}

/// <summary>
/// The stand-in's world, in memory only (gone when DevHost stops): chats found by @username or id, and the messages
/// sent to them. Conventions, like a payment provider's test cards:
/// <list type="bullet">
/// <item>any well-formed public @username (5–32 letters, digits, underscores, starting with a letter) is a channel
/// with a stable id <c>-100…</c>, a title and a member count derived from the name; <c>@group_*</c> is a supergroup;</item>
/// <item>reserved names fail the way Telegram does: <c>@missing_*</c> → 400 chat not found, <c>@private_*</c> and
/// <c>@notmember_*</c> → 403 bot is not a member, <c>@kicked_*</c> → 403 bot was kicked, <c>@flood_*</c> → 429 with
/// <c>retry_after</c>;</item>
/// <item>a negative numeric id resolves only once the chat is known (an earlier @username lookup or the control API);
/// a positive id is a private chat with a user who has started the bot.</item>
/// </list>
/// </summary>
public sealed partial class StandInChats(TimeProvider time)
{
    /// <summary>Seconds a <c>@flood_*</c> lookup asks the caller to wait.</summary>
    public const int FloodRetryAfterSeconds = 5;

    private static readonly (string Prefix, BotApiError Error)[] Reserved =
    [
        ("missing_", BotApiError.ChatNotFound),
        ("private_", new(403, "Forbidden: bot is not a member of the channel chat")),
        ("notmember_", new(403, "Forbidden: bot is not a member of the channel chat")),
        ("kicked_", new(403, "Forbidden: bot was kicked from the channel chat")),
        ("flood_", new(429, $"Too Many Requests: retry after {FloodRetryAfterSeconds}", FloodRetryAfterSeconds)),
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<long, StandInChat> _byId = [];
    private readonly Dictionary<string, long> _byUsername = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<StandInMessage> _messages = [];
    private readonly Dictionary<long, int> _lastMessageId = [];

    public static bool IsWellFormedUsername(string username) => UsernamePattern().IsMatch(username);

    /// <summary>Resolves a Bot API <c>chat_id</c> parameter: an integer or "@username". A group upgraded to a supergroup is
    /// refused with the supergroup's id (ResponseParameters.migrate_to_chat_id).</summary>
    public StandInChat? Resolve(string? chatId, out BotApiError? error)
    {
        var chat = Find(chatId, out error);
        if (chat?.MigratedTo is not { } supergroup) { return chat; }
        error = BotApiError.Migrated(supergroup);
        return null;
    }

    private StandInChat? Find(string? chatId, out BotApiError? error)
    {
        error = null;
        var text = chatId?.Trim() ?? "";
        if (text.StartsWith('@'))
        {
            var name = text[1..];
            lock (_gate)
            {
                if (_byUsername.TryGetValue(name, out var knownId)) { return _byId[knownId]; }
            }

            var reserved = Reserved.FirstOrDefault(r => name.StartsWith(r.Prefix, StringComparison.OrdinalIgnoreCase));
            if (reserved.Error is not null || !IsWellFormedUsername(name))
            {
                error = reserved.Error ?? BotApiError.ChatNotFound;
                return null;
            }

            lock (_gate)
            {
                // Checked again under the lock: a concurrent lookup of the same name may have registered it.
                return _byUsername.TryGetValue(name, out var raced) ? _byId[raced] : AddLocked(Derive(name));
            }
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            error = BotApiError.ChatNotFound;
            return null;
        }

        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var chat)) { return chat; }
            if (id > 0) { return AddLocked(new StandInChat(id, "private", null, null, $"User {id}", 2, null)); }
        }

        error = BotApiError.ChatNotFound;
        return null;
    }

    /// <summary>Adds a chat or changes a known one (found by username, else by id); fields left null keep their value.</summary>
    public (StandInChat Chat, bool Created) Upsert(string? username, long? id, string? type, string? title, int? memberCount, string? description, long? migrateToChatId = null)
    {
        lock (_gate)
        {
            StandInChat? existing = null;
            if (username is not null && _byUsername.TryGetValue(username, out var byName)) { existing = _byId[byName]; }
            else if (id is { } given && _byId.TryGetValue(given, out var byId)) { existing = byId; }

            var basis = existing ?? (username is not null ? Derive(username) : new StandInChat(id!.Value, id > 0 ? "private" : "channel", null, null, null, 0, null));
            if (existing is null && id is { } wanted) { basis = basis with { Id = wanted }; }
            var chat = basis with
            {
                Type = type ?? basis.Type,
                Title = title ?? basis.Title ?? (type ?? basis.Type) switch { "private" => null, _ => $"Chat {basis.Id}" },
                Username = username ?? basis.Username,
                FirstName = (type ?? basis.Type) == "private" ? basis.FirstName ?? title ?? $"User {basis.Id}" : null,
                MemberCount = memberCount ?? basis.MemberCount,
                Description = description ?? basis.Description,
                MigratedTo = migrateToChatId ?? basis.MigratedTo,
            };
            if (existing is not null)
            {
                _byId.Remove(existing.Id);
                if (existing.Username is not null) { _byUsername.Remove(existing.Username); }
            }

            AddLocked(chat);
            return (chat, existing is null);
        }
    }

    public IReadOnlyList<StandInChat> All()
    {
        lock (_gate) { return _byId.Values.OrderBy(c => c.Id).ToList(); }
    }

    public StandInMessage Record(StandInChat chat, string text, string? parseMode)
    {
        lock (_gate)
        {
            // Telegram numbers messages per chat, starting at 1.
            var messageId = _lastMessageId.GetValueOrDefault(chat.Id) + 1;
            _lastMessageId[chat.Id] = messageId;
            var message = new StandInMessage(chat.Id, messageId, text, parseMode, time.GetUtcNow());
            _messages.Add(message);
            return message;
        }
    }

    public IReadOnlyList<StandInMessage> Messages(long? chatId)
    {
        lock (_gate) { return _messages.Where(m => chatId is null || m.ChatId == chatId).ToList(); }
    }

    public void ClearMessages()
    {
        lock (_gate) { _messages.Clear(); }
    }

    /// <summary>The chat a fresh @username stands for: everything derived from a hash of the lower-cased name, so runs agree.</summary>
    public static StandInChat Derive(string username)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(username.ToLowerInvariant()));
        // Channel and supergroup ids are "-100" followed by ten digits.
        var tenDigits = 1_000_000_000L + (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 9_000_000_000UL);
        var members = 100 + (int)(BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(8)) % 99_901);
        var type = username.StartsWith("group_", StringComparison.OrdinalIgnoreCase) ? "supergroup" : "channel";
        return new StandInChat(-(1_000_000_000_000L + tenDigits), type, TitleOf(username), username, null, members, $"Stand-in {type} @{username}");
    }

    /// <summary>"daily_news_42" → "Daily News 42".</summary>
    public static string TitleOf(string username) => string.Join(' ', username
        .Split('_', StringSplitOptions.RemoveEmptyEntries)
        .Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private StandInChat AddLocked(StandInChat chat)
    {
        // Two names hashing to one id is unlikely but must not merge two chats.
        while (_byId.TryGetValue(chat.Id, out var other) && !string.Equals(other.Username, chat.Username, StringComparison.OrdinalIgnoreCase))
        {
            chat = chat with { Id = chat.Id - 1 };
        }

        _byId[chat.Id] = chat;
        if (chat.Username is not null) { _byUsername[chat.Username] = chat.Id; }
        return chat;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{4,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();
}
