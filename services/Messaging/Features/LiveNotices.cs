using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Messaging.Features;

/// <summary>A change's live notice goes through the outbox with the change itself, to both participants' streams.</summary>
public static class LiveNotices
{
    public static void Enqueue<T>(Outbox<MessagingDbContext> outbox, Conversation conversation, string eventName, DateTimeOffset now, T data)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(conversation);
        outbox.Enqueue(LiveNotice.Topic,
            LiveNotice.Of([conversation.StudentId, conversation.TutorId], eventName, conversation.Id, conversation.Version, now, data),
            LiveNotice.PubSubName);
    }
}
