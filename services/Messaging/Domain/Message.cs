namespace DaprPlatform.Messaging.Domain;

/// <summary>
/// One message of a conversation. Deleting is soft: the text is gone, the message stays in its place and both sides see
/// it as deleted. <see cref="ReadAt"/> is when the recipient read it.
/// </summary>
public sealed class Message
{
    /// <summary>What notifications and the conversation list show of a message.</summary>
    public const int PreviewLength = 140;

    private Message()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    /// <summary>Database-assigned, increasing: the newest-first order and the paging cursor, stable under new inserts.</summary>
    public long Position { get; private set; }

    public Guid SenderId { get; private set; }

    /// <summary>Null once deleted.</summary>
    public string? Text { get; private set; }

    public DateTimeOffset SentAt { get; private set; }

    public DateTimeOffset? EditedAt { get; private set; }

    public DateTimeOffset? DeletedAt { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    public bool IsDeleted => DeletedAt is not null;

    public string Preview => Text is null ? "" : Text.Length <= PreviewLength ? Text : Text[..PreviewLength];

    internal static Message Create(Guid conversationId, Guid senderId, string text, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return new Message { Id = Guid.CreateVersion7(now), ConversationId = conversationId, SenderId = senderId, Text = text, SentAt = now };
    }

    public void Edit(Guid editorId, string text, DateTimeOffset now, TimeSpan editWindow)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        EnsureSender(editorId, "edit");
        if (IsDeleted) { throw new MessagingRuleViolation(MessagingRule.MessageDeleted, $"Message {Id} was deleted; it cannot be edited."); }
        if (now - SentAt > editWindow)
        {
            throw new MessagingRuleViolation(MessagingRule.EditWindowClosed,
                $"Message {Id} can be edited for {editWindow.TotalMinutes:0.#} minutes after it was sent; that time has passed.");
        }

        Text = text;
        EditedAt = now;
    }

    /// <summary>Soft delete by the sender; false when it was already deleted (deleting twice changes nothing).</summary>
    public bool Delete(Guid userId, DateTimeOffset now)
    {
        EnsureSender(userId, "delete");
        if (IsDeleted) { return false; }
        Text = null;
        DeletedAt = now;
        return true;
    }

    /// <summary>Read by the recipient; false when it already was.</summary>
    public bool MarkRead(DateTimeOffset now)
    {
        if (ReadAt is not null) { return false; }
        ReadAt = now;
        return true;
    }

    private void EnsureSender(Guid userId, string action)
    {
        if (userId != SenderId)
        {
            throw new MessagingRuleViolation(MessagingRule.NotSender, $"Only the sender can {action} message {Id}.");
        }
    }
}
