using DaprPlatform.Messaging.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Messaging.Contracts;

/// <summary>The CloudEvent data of <c>message.sent</c> (pubsub <c>pubsub</c>; consumer notifications).</summary>
public sealed record MessageSent(
    Guid MessageId,
    Guid ConversationId,
    Guid SenderId,
    string SenderName,
    Guid RecipientId,
    string Preview,
    DateTimeOffset SentAt)
{
    public const string Topic = PlatformTopics.MessageSent;

    public static MessageSent From(Conversation conversation, Message message)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(message);
        return new MessageSent(message.Id, conversation.Id, message.SenderId, conversation.NameOf(message.SenderId),
            conversation.OtherParticipant(message.SenderId), message.Preview, message.SentAt);
    }
}

/// <summary>
/// The CloudEvent data of <c>message.read</c>: one per read action, with the messages it newly read (all sent by the
/// other participant).
/// </summary>
public sealed record MessageRead(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds, DateTimeOffset ReadAt)
{
    public const string Topic = PlatformTopics.MessageRead;
}
