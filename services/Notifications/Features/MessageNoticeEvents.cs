using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>What <see cref="MessageSentHandler"/> and <see cref="MessageReadHandler"/> share: one pass through the inbox.</summary>
internal static partial class MessageNoticeEvents
{
    /// <summary>
    /// Runs <paramref name="work"/> once per CloudEvent id. When a message.sent and a message.read of the same message
    /// both make its row at the same moment, the loser's transaction fails on the primary key and changes nothing: it
    /// answers RETRY, and on redelivery it finds the winner's row and decides again.
    /// </summary>
    public static async Task<SubscriberStatus> ProcessOnceAsync(
        Inbox<NotificationsDbContext> inbox, string eventId, string consumer, Func<CancellationToken, Task> work, ILogger logger, CancellationToken ct)
    {
        try
        {
            if (await inbox.ProcessOnceAsync(eventId, consumer, work, ct) == InboxResult.Duplicate)
            {
                LogDuplicate(logger, consumer, eventId);
            }

            return SubscriberStatus.Success;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(NotificationsDbContext.MessageNoticesPrimaryKey))
        {
            LogRace(logger, consumer, eventId);
            return SubscriberStatus.Retry;
        }
    }

    /// <summary>An event that can never be valid: retrying it only delays the dead-letter topic.</summary>
    public static SubscriberStatus Drop(ILogger logger, string consumer, string eventId, string needs)
    {
        LogInvalid(logger, consumer, eventId, needs);
        return SubscriberStatus.Drop;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer}: event {EventId} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer}: event {EventId} met a concurrent event about the same message; asking for redelivery")]
    private static partial void LogRace(ILogger logger, string consumer, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer}: dropping event {EventId}: {Needs}")]
    private static partial void LogInvalid(ILogger logger, string consumer, string eventId, string needs);
}
