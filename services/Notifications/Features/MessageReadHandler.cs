using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>
/// <c>message.read</c> → the reader's pending notices of those messages will never be told. The cancel is one conditional
/// UPDATE (pending → read), so a notice the dispatcher is delivering at that moment stays delivered (PostgreSQL re-checks
/// the condition after the dispatcher's lock is released). A message whose <c>message.sent</c> has not arrived yet gets a
/// row already read, so the late event tells nobody. Idempotent on the CloudEvent id (inbox); re-reading changes nothing.
/// </summary>
public sealed class MessageReadHandler(
    NotificationsDbContext db,
    Inbox<NotificationsDbContext> inbox,
    TimeProvider time,
    ILogger<MessageReadHandler> logger)
{
    public const string Consumer = "notifications.message-read";

    public Task<SubscriberStatus> HandleAsync(TopicEvent<MessageRead> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.ConversationId == Guid.Empty || data.ReaderId == Guid.Empty || data.MessageIds is not { Count: > 0 } || data.MessageIds.Contains(Guid.Empty))
        {
            return Task.FromResult(MessageNoticeEvents.Drop(logger, Consumer, eventId, "a conversation, a reader and message ids are required"));
        }

        var messageIds = data.MessageIds.Distinct().ToList();
        return MessageNoticeEvents.ProcessOnceAsync(inbox, eventId, Consumer, async token =>
        {
            var now = time.GetUtcNow();
            // Read before the cancel: a row a concurrent message.sent commits in between is then cancelled by the UPDATE
            // (which sees it) and still counted unknown here, so inserting its read row fails and the delivery is retried;
            // read after, such a row would be neither cancelled nor inserted.
            var known = await db.MessageNotices.Where(n => messageIds.Contains(n.MessageId)).Select(n => n.MessageId).ToListAsync(token);
            // Only the reader's own notices: a read names messages the other participant sent to the reader.
            await db.MessageNotices
                .Where(n => messageIds.Contains(n.MessageId) && n.RecipientId == data.ReaderId && n.Status == MessageNoticeStatus.Pending)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(n => n.Status, MessageNoticeStatus.Read)
                        .SetProperty(n => n.ReadAt, data.ReadAt)
                        .SetProperty(n => n.DueAt, (DateTimeOffset?)null)
                        .SetProperty(n => n.UpdatedAt, now),
                    token);
            db.MessageNotices.AddRange(messageIds.Except(known)
                .Select(id => MessageNotice.ReadBeforeSent(id, data.ConversationId, data.ReaderId, data.ReadAt, now)));
        }, logger, ct);
    }
}
