using System.Globalization;
using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Notifications.Features;

/// <summary><c>plan.changed</c> → the owner, once per change: a republish under a new CloudEvent id is not told again.</summary>
public sealed class PlanChangedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<PlanChangedHandler> logger)
    : PartyNotificationHandler<PlanChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.plan-changed";

    protected override string InboxKey(PlanChanged data, string eventId) => string.Create(CultureInfo.InvariantCulture, $"plan:{data.OwnerId}:{data.Version}");

    protected override IReadOnlyList<PartyMessage> Compose(PlanChanged data) => PlanMessages.PlanChanged(data);
}

/// <summary><c>channel.paused</c> → the channel's owner.</summary>
public sealed class ChannelPausedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<ChannelPausedHandler> logger)
    : PartyNotificationHandler<ChannelPauseChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.channel-paused";

    protected override IReadOnlyList<PartyMessage> Compose(ChannelPauseChanged data) => PlanMessages.ChannelPaused(data);
}

/// <summary><c>channel.resumed</c> → the channel's owner.</summary>
public sealed class ChannelResumedHandler(NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, ILogger<ChannelResumedHandler> logger)
    : PartyNotificationHandler<ChannelPauseChanged>(db, inbox, telegram, time, logger)
{
    protected override string Consumer => "notifications.channel-resumed";

    protected override IReadOnlyList<PartyMessage> Compose(ChannelPauseChanged data) => PlanMessages.ChannelResumed(data);
}
