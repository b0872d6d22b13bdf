using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Notifications.Features;

/// <summary><c>payout.initiated</c> → the tutor.</summary>
public sealed class PayoutInitiatedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PayoutInitiatedHandler> logger)
    : PartyNotificationHandler<PayoutChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.payout-initiated";

    protected override IReadOnlyList<PartyMessage> Compose(PayoutChanged data) => PayoutMessages.Initiated(data);
}

/// <summary><c>payout.completed</c> → the tutor.</summary>
public sealed class PayoutCompletedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PayoutCompletedHandler> logger)
    : PartyNotificationHandler<PayoutChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.payout-completed";

    protected override IReadOnlyList<PartyMessage> Compose(PayoutChanged data) => PayoutMessages.Completed(data);
}

/// <summary><c>payout.failed</c> → the tutor.</summary>
public sealed class PayoutFailedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PayoutFailedHandler> logger)
    : PartyNotificationHandler<PayoutChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.payout-failed";

    protected override IReadOnlyList<PartyMessage> Compose(PayoutChanged data) => PayoutMessages.Failed(data);
}
