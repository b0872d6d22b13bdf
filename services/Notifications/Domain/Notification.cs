namespace DaprPlatform.Notifications.Domain;

/// <summary>An in-app notification addressed to one user.</summary>
public sealed class Notification
{
    public const int MaxKindLength = 64;
    public const int MaxTitleLength = 200;
    public const int MaxBodyLength = 2000;

    private Notification()
    {
        Kind = string.Empty;
        Title = string.Empty;
        Body = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Kind { get; private set; }
    public string Title { get; private set; }
    public string Body { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }

    public bool IsRead => ReadAt is not null;

    public static Notification Create(Guid userId, string kind, string title, string body, DateTimeOffset now)
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentException("A notification needs a recipient.", nameof(userId));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(body);

        return new Notification
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Kind = Truncate(kind, MaxKindLength),
            Title = Truncate(title, MaxTitleLength),
            Body = Truncate(body, MaxBodyLength),
            CreatedAt = now,
        };
    }

    /// <summary>Marks the notification read; reading twice keeps the first read time.</summary>
    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;

    // Event payloads are not under our control; an over-long display name must not make the row unwritable.
    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
