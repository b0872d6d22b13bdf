namespace DaprPlatform.Notifications.Domain;

public enum MessageNoticeStatus
{
    /// <summary>Sent, not read yet; told to the recipient once its grace period has passed.</summary>
    Pending,

    /// <summary>Read within the grace period (or before its message.sent arrived): never told.</summary>
    Read,

    /// <summary>Told to the recipient (in one notification, possibly with others of the conversation).</summary>
    Delivered,
}

/// <summary>
/// One message the recipient may have to be told of, keyed by the message id so each is told at most once. A message read
/// before its <c>message.sent</c> arrives leaves a row without the sent details, already <see cref="MessageNoticeStatus.Read"/>:
/// the late <c>message.sent</c> then finds it and tells nobody, whatever order the two events come in.
/// </summary>
public sealed class MessageNotice
{
    public const int MaxSenderNameLength = 200;
    /// <summary>Messaging sends at most 140 characters; in UTF-16 units that is up to 280 (characters beyond the BMP).</summary>
    public const int MaxPreviewLength = 280;

    private MessageNotice()
    {
    }

    public Guid MessageId { get; private set; }
    public Guid ConversationId { get; private set; }
    public Guid RecipientId { get; private set; }

    /// <summary>Null on a row made by a read that came first.</summary>
    public Guid? SenderId { get; private set; }

    public string? SenderName { get; private set; }
    public string? Preview { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>When the grace period ends; null when there is nothing left to tell.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    public MessageNoticeStatus Status { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }
    public Guid? NotificationId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// A pending notice, due a grace period after the message was sent (or after now, if the sender's clock is ahead).
    /// A message.sent that arrives late is due at once: the recipient has not read it for longer than the grace.
    /// </summary>
    public static MessageNotice Pending(
        Guid messageId, Guid conversationId, Guid recipientId, Guid senderId, string senderName, string preview, DateTimeOffset sentAt, TimeSpan grace, DateTimeOffset now)
    {
        if (messageId == Guid.Empty || recipientId == Guid.Empty || senderId == Guid.Empty)
        {
            throw new ArgumentException("A message notice needs the message, its sender and its recipient.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(senderName);
        ArgumentNullException.ThrowIfNull(preview);
        return new MessageNotice
        {
            MessageId = messageId,
            ConversationId = conversationId,
            RecipientId = recipientId,
            SenderId = senderId,
            SenderName = Truncate(senderName.Trim(), MaxSenderNameLength),
            Preview = Truncate(preview, MaxPreviewLength),
            SentAt = sentAt,
            DueAt = (sentAt < now ? sentAt : now) + grace,
            Status = MessageNoticeStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The reader read a message whose message.sent has not arrived: remembered, so it will never be told.</summary>
    public static MessageNotice ReadBeforeSent(Guid messageId, Guid conversationId, Guid readerId, DateTimeOffset readAt, DateTimeOffset now) => new()
    {
        MessageId = messageId,
        ConversationId = conversationId,
        RecipientId = readerId,
        Status = MessageNoticeStatus.Read,
        ReadAt = readAt,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Records that the notice went out in <paramref name="notification"/>; only a pending notice can.</summary>
    public void Deliver(Notification notification, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (Status != MessageNoticeStatus.Pending)
        {
            throw new InvalidOperationException($"Message notice {MessageId} is {Status}, not pending.");
        }

        Status = MessageNoticeStatus.Delivered;
        NotificationId = notification.Id;
        DueAt = null;
        UpdatedAt = now;
    }

    // Event payloads are not under our control: an over-long one is cut, never between the halves of a surrogate pair.
    private static string Truncate(string value, int max) =>
        value.Length <= max ? value : value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];
}

/// <summary>What the recipient is told of the pending messages of one conversation that came due together.</summary>
public static class MessageNoticeText
{
    public const string Kind = "message-received";

    /// <summary>One notification for <paramref name="notices"/> (one recipient, one conversation), oldest message first.</summary>
    public static PartyMessage For(IReadOnlyList<MessageNotice> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        if (notices.Count == 0 || notices.Select(n => (n.RecipientId, n.ConversationId)).Distinct().Count() != 1)
        {
            throw new ArgumentException("A message notice tells one recipient of one conversation's messages.", nameof(notices));
        }

        var ordered = notices.OrderBy(n => n.SentAt).ThenBy(n => n.MessageId).ToList();
        var sender = ordered[^1].SenderName ?? "Someone";
        if (ordered.Count == 1)
        {
            return new(ordered[0].RecipientId, Kind, $"New message from {sender}", ordered[0].Preview ?? string.Empty);
        }

        return new(ordered[0].RecipientId, Kind, $"{ordered.Count} new messages from {sender}", string.Join("\n", ordered.Select(n => n.Preview)));
    }
}
