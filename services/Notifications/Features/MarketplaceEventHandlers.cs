using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>
/// Turns one marketplace event into notifications for the people it concerns: in-app always, Telegram for those who chose
/// it. Idempotent on the CloudEvent id through the inbox; Telegram is logged as pending in the same transaction and sent
/// after the commit, so an outage never loses the in-app notification and a redelivery never sends twice.
/// </summary>
public abstract partial class PartyNotificationHandler<TEvent>(
    NotificationsDbContext db,
    Inbox<NotificationsDbContext> inbox,
    TelegramDelivery telegram,
    TimeProvider time,
    ILogger logger)
    where TEvent : class
{
    /// <summary>The inbox consumer name: one per event type, so each handler sees each event once.</summary>
    protected abstract string Consumer { get; }

    /// <summary>The messages for this event; empty when the event cannot be valid (it is dropped, not retried).</summary>
    protected abstract IReadOnlyList<PartyMessage> Compose(TEvent data);

    /// <summary>What the inbox deduplicates on: the CloudEvent id, unless the event names a fact that is told once whatever its id.</summary>
    protected virtual string InboxKey(TEvent data, string eventId) => eventId;

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<TEvent> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        var messages = Compose(data);
        if (messages.Count == 0 || messages.Any(m => m.UserId == Guid.Empty))
        {
            LogInvalidEvent(logger, Consumer, eventId);
            return SubscriberStatus.Drop;
        }

        var telegramSends = new List<(DeliveryAttempt Attempt, string ChatId, string Text)>();
        var result = await inbox.ProcessOnceAsync(InboxKey(data, eventId), Consumer, async token =>
        {
            var now = time.GetUtcNow();
            var recipients = messages.Select(m => m.UserId).Distinct().ToList();
            var preferences = await db.Preferences.Where(p => recipients.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, token);
            foreach (var message in messages)
            {
                var notification = Notification.Create(message.UserId, message.Kind, message.Title, message.Body, now);
                db.Notifications.Add(notification);
                db.DeliveryLog.Add(DeliveryAttempt.Delivered(notification, DeliveryChannel.InApp, now));
                if (preferences.GetValueOrDefault(message.UserId) is { WantsTelegram: true, TelegramChatId: { } chatId })
                {
                    var pending = DeliveryAttempt.Pending(notification, DeliveryChannel.Telegram, now);
                    db.DeliveryLog.Add(pending);
                    telegramSends.Add((pending, chatId, $"{message.Title}\n{message.Body}"));
                }
            }
        }, ct);

        if (result == InboxResult.Duplicate)
        {
            LogDuplicate(logger, Consumer, eventId);
            return SubscriberStatus.Success;
        }

        foreach (var (attempt, chatId, text) in telegramSends)
        {
            await telegram.DeliverAsync(attempt, chatId, text, ct);
        }

        return SubscriberStatus.Success;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: dropping event {EventId}, it names nobody to notify")]
    private static partial void LogInvalidEvent(ILogger logger, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer}: event {EventId} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string consumer, string eventId);
}

/// <summary><c>booking.confirmed</c> → the student and the tutor.</summary>
public sealed class BookingConfirmedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<BookingConfirmedHandler> logger)
    : PartyNotificationHandler<BookingChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.booking-confirmed";

    protected override IReadOnlyList<PartyMessage> Compose(BookingChanged data) => MarketplaceMessages.BookingConfirmed(data);
}

/// <summary><c>booking.cancelled</c> → the student, and the tutor when the booking had been confirmed.</summary>
public sealed class BookingCancelledHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<BookingCancelledHandler> logger)
    : PartyNotificationHandler<BookingChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.booking-cancelled";

    protected override IReadOnlyList<PartyMessage> Compose(BookingChanged data) => MarketplaceMessages.BookingCancelled(data);
}

/// <summary><c>payment.failed</c> → the student.</summary>
public sealed class PaymentFailedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PaymentFailedHandler> logger)
    : PartyNotificationHandler<PaymentChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.payment-failed";

    protected override IReadOnlyList<PartyMessage> Compose(PaymentChanged data) => MarketplaceMessages.PaymentFailed(data);
}

/// <summary><c>payment.refunded</c> → the student.</summary>
public sealed class PaymentRefundedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PaymentRefundedHandler> logger)
    : PartyNotificationHandler<PaymentChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.payment-refunded";

    protected override IReadOnlyList<PartyMessage> Compose(PaymentChanged data) => MarketplaceMessages.PaymentRefunded(data);
}

/// <summary><c>review.posted</c> → the reviewed tutor, once per review: a republish or replay under a new CloudEvent id is not told again.</summary>
public sealed class ReviewPostedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<ReviewPostedHandler> logger)
    : PartyNotificationHandler<ReviewChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.review-posted";

    protected override string InboxKey(ReviewChanged data, string eventId) => $"review:{data.ReviewId}";

    protected override IReadOnlyList<PartyMessage> Compose(ReviewChanged data) => MarketplaceMessages.ReviewPosted(data);
}
