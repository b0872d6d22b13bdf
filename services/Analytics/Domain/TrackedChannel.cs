namespace DaprPlatform.Analytics.Domain;

/// <summary>
/// What analytics knows about a channel registered in the channels service: enough to decide who may read its metrics.
/// A removed channel stays (its history is kept) but is readable by no one.
/// </summary>
public sealed class TrackedChannel
{
    public const int MaxUsernameLength = 64;
    public const int MaxTitleLength = 256;

    public Guid Id { get; set; }

    public Guid OwnerId { get; set; }

    public long TelegramChatId { get; set; }

    public string? Username { get; set; }

    public string Title { get; set; } = string.Empty;

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? RemovedAt { get; set; }

    public bool IsRemoved => RemovedAt is not null;

    /// <summary>Owners read their own channels, admins read all; nobody reads a removed one.</summary>
    public bool IsReadableBy(Guid userId, bool isAdmin) => !IsRemoved && (isAdmin || OwnerId == userId);
}
