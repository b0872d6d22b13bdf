namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of messaging's <c>message.sent</c>: <paramref name="Preview"/> is the first ≤ 140 characters.</summary>
public sealed record MessageSent(
    Guid MessageId,
    Guid ConversationId,
    Guid SenderId,
    string? SenderName,
    Guid RecipientId,
    string? Preview,
    DateTimeOffset SentAt);

/// <summary>Consumer-side copy of messaging's <c>message.read</c>: the messages one read action of the reader newly read.</summary>
public sealed record MessageRead(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid>? MessageIds, DateTimeOffset ReadAt);
