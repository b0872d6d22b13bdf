namespace DaprPlatform.Channels.Domain;

/// <summary>A Telegram channel an owner connected to the platform.</summary>
public sealed class Channel
{
    public const int MaxUsernameLength = 64;
    public const int MaxTitleLength = 256;
    public const int MaxPausedReasonLength = 32;
    public const string ActiveStatus = "active";
    public const string PausedStatus = "paused";

    /// <summary>The owner's plan allows fewer channels than they have (a downgrade): the newest extras are paused.</summary>
    public const string PlanLimitReason = "plan-limit";

    private Channel()
    {
        Title = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>Telegram's numeric chat id (negative for channels, e.g. -1001234567890); unique across the platform.</summary>
    public long TelegramChatId { get; private set; }

    /// <summary>Public @username without the @, or null for a private channel.</summary>
    public string? Username { get; private set; }

    public string Title { get; private set; }
    public Guid OwnerId { get; private set; }
    public int SubscribersAtRegistration { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Why the channel is paused (<see cref="PlanLimitReason"/>), or null while it is active.</summary>
    public string? PausedReason { get; private set; }

    public DateTimeOffset? PausedAt { get; private set; }

    /// <summary>A paused channel is kept, listed and readable, but takes no new metrics until it is resumed.</summary>
    public bool IsPaused => PausedReason is not null;

    public string Status => IsPaused ? PausedStatus : ActiveStatus;

    public static Channel Register(long telegramChatId, string? username, string title, Guid ownerId, int subscribers, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentOutOfRangeException.ThrowIfNegative(subscribers);
        if (ownerId == Guid.Empty)
        {
            throw new ArgumentException("A channel needs an owner.", nameof(ownerId));
        }

        return new Channel
        {
            Id = Guid.CreateVersion7(now),
            TelegramChatId = telegramChatId,
            Username = string.IsNullOrWhiteSpace(username) ? null : Truncate(username.TrimStart('@'), MaxUsernameLength),
            // Titles come from Telegram, not from our caller; an unexpected long one must not make the row unwritable.
            Title = Truncate(title, MaxTitleLength),
            OwnerId = ownerId,
            SubscribersAtRegistration = subscribers,
            // PostgreSQL keeps microseconds; rounding here makes the event, the response and the row agree exactly.
            CreatedAt = new DateTimeOffset(now.Ticks - (now.Ticks % 10), now.Offset),
        };
    }

    /// <summary>Pauses an active channel for <paramref name="reason"/>; false when it was already paused (nothing changes).</summary>
    public bool Pause(string reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (IsPaused)
        {
            return false;
        }

        PausedReason = reason;
        PausedAt = now;
        return true;
    }

    /// <summary>Resumes a paused channel; false when it was active.</summary>
    public bool Resume()
    {
        if (!IsPaused)
        {
            return false;
        }

        PausedReason = null;
        PausedAt = null;
        return true;
    }

    /// <summary>Owners see their own channels; admins see every channel.</summary>
    public bool IsVisibleTo(Guid userId, bool isAdmin) => isAdmin || OwnerId == userId;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
