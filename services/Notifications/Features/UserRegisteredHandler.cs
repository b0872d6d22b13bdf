using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>
/// <c>user.registered</c> → in-app welcome notification (+ delivery log), default preferences, and a Telegram message
/// when the user already opted in. Idempotent on the CloudEvent id through the inbox.
/// </summary>
public sealed partial class UserRegisteredHandler(
    NotificationsDbContext db,
    Inbox<NotificationsDbContext> inbox,
    TelegramDelivery telegram,
    TimeProvider time,
    ILogger<UserRegisteredHandler> logger)
{
    public const string Consumer = "notifications.user-registered";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<UserRegistered> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;

        // Retrying an event that can never be valid only delays the dead-letter topic.
        if (data.UserId == Guid.Empty || string.IsNullOrWhiteSpace(data.DisplayName))
        {
            LogInvalidEvent(logger, eventId);
            return SubscriberStatus.Drop;
        }

        DeliveryAttempt? pendingTelegram = null;
        Notification? notification = null;
        string? chatId = null;

        var result = await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            var now = time.GetUtcNow();
            // Accounts made by the onboarding saga are greeted by its SendWelcome step; greeting here too would say it twice.
            if (data.Origin != UserRegistered.OnboardingOrigin)
            {
                notification = Notification.Create(
                    data.UserId,
                    WelcomeMessage.Kind,
                    WelcomeMessage.Title(data.DisplayName),
                    WelcomeMessage.Body(string.IsNullOrWhiteSpace(data.Role) ? "new" : data.Role),
                    now);
                db.Notifications.Add(notification);
                db.DeliveryLog.Add(DeliveryAttempt.Delivered(notification, DeliveryChannel.InApp, now));
            }

            var preferences = await db.Preferences.SingleOrDefaultAsync(p => p.UserId == data.UserId, token);
            if (preferences is null)
            {
                db.Preferences.Add(NotificationPreferences.DefaultFor(data.UserId, now));
            }
            else if (preferences.WantsTelegram && notification is not null)
            {
                // Logged as pending inside the transaction, sent after commit: a Telegram outage must never
                // roll back the in-app notification, and a duplicate delivery must never send twice.
                chatId = preferences.TelegramChatId;
                pendingTelegram = DeliveryAttempt.Pending(notification, DeliveryChannel.Telegram, now);
                db.DeliveryLog.Add(pendingTelegram);
            }
        }, ct);

        if (result == InboxResult.Duplicate)
        {
            LogDuplicate(logger, eventId);
            return SubscriberStatus.Success;
        }

        if (pendingTelegram is not null && chatId is not null && notification is not null)
        {
            await telegram.DeliverAsync(pendingTelegram, chatId, $"{notification.Title}\n{notification.Body}", ct);
        }

        return SubscriberStatus.Success;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping user.registered event {EventId}: no user id or display name")]
    private static partial void LogInvalidEvent(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "user.registered event {EventId} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string eventId);
}
