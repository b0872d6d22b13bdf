using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Notifications.Features;

/// <summary>
/// <c>message.sent</c> → a pending notice for the recipient, due when the grace period ends (<see cref="MessageNoticeDispatcher"/>
/// tells it unless a <c>message.read</c> comes first). Nothing is told here: a reader who is in the conversation reads
/// the message within the grace, and then is never interrupted. Idempotent on the CloudEvent id (inbox) and on the
/// message id (one notice per message: a row already there, pending or read first, is left as it is).
/// </summary>
public sealed class MessageSentHandler(
    NotificationsDbContext db,
    Inbox<NotificationsDbContext> inbox,
    IOptions<MessageNoticeOptions> options,
    TimeProvider time,
    ILogger<MessageSentHandler> logger)
{
    public const string Consumer = "notifications.message-sent";

    public Task<SubscriberStatus> HandleAsync(TopicEvent<MessageSent> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.MessageId == Guid.Empty || data.ConversationId == Guid.Empty || data.SenderId == Guid.Empty || data.RecipientId == Guid.Empty
            || data.SenderId == data.RecipientId || string.IsNullOrWhiteSpace(data.SenderName))
        {
            return Task.FromResult(MessageNoticeEvents.Drop(logger, Consumer, eventId, "a message, conversation, sender, sender name and another recipient are required"));
        }

        return MessageNoticeEvents.ProcessOnceAsync(inbox, eventId, Consumer, async token =>
        {
            if (await db.MessageNotices.AnyAsync(n => n.MessageId == data.MessageId, token))
            {
                return; // told or read already, or a republish of the same message
            }

            db.MessageNotices.Add(MessageNotice.Pending(
                data.MessageId, data.ConversationId, data.RecipientId, data.SenderId, data.SenderName,
                data.Preview ?? string.Empty, data.SentAt, options.Value.MessageGracePeriod, time.GetUtcNow()));
        }, logger, ct);
    }
}
