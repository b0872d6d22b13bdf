using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Notifications.Features;

/// <summary>Configuration section "Notifications" (the message notices).</summary>
public sealed class MessageNoticeOptions
{
    public const string SectionName = "Notifications";

    /// <summary>How long a recipient has to read a message before being told of it (0 to 1 day).</summary>
    public TimeSpan MessageGracePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the dispatcher looks for notices whose grace has passed.</summary>
    public TimeSpan MessageNoticePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Notices claimed per transaction.</summary>
    public int MessageNoticeBatchSize { get; set; } = 200;

    /// <summary>
    /// How long a told or read notice is kept (at least 1 day): while it is, a late or replayed message.sent of that
    /// message tells nobody; after it, the row is deleted so the table holds only recent messages.
    /// </summary>
    public TimeSpan MessageNoticeRetention { get; set; } = TimeSpan.FromDays(30);

    public bool IsValid =>
        MessageGracePeriod >= TimeSpan.Zero && MessageGracePeriod <= TimeSpan.FromDays(1)
        && MessageNoticePollInterval > TimeSpan.Zero && MessageNoticePollInterval <= TimeSpan.FromMinutes(10)
        && MessageNoticeBatchSize is >= 1 and <= 10_000
        && MessageNoticeRetention >= TimeSpan.FromDays(1);
}

/// <summary>
/// Tells recipients of the messages they did not read within the grace period, exactly once per message even with
/// several replicas: due pending notices are claimed with FOR UPDATE SKIP LOCKED (as the outbox dispatcher claims its
/// rows), and the in-app notification is written in the same transaction that marks them delivered. The notices of one
/// recipient and conversation that are due at the same pass make ONE notification ("3 new messages from Sam"); a message
/// whose grace ends later is told at a later pass. Telegram (for those who chose it) is logged pending in that
/// transaction and sent after the commit, as the event handlers do: an outage never loses the in-app notification.
/// Once an hour it also deletes told and read notices older than the retention.
/// </summary>
public sealed partial class MessageNoticeDispatcher(
    IServiceScopeFactory scopes,
    IOptions<MessageNoticeOptions> options,
    TimeProvider time,
    ILogger<MessageNoticeDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurgeAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var batchWasFull = false;
            try
            {
                batchWasFull = await DispatchDueAsync(stoppingToken) >= options.Value.MessageNoticeBatchSize;
                if (time.GetUtcNow() >= nextPurgeAt)
                {
                    await PurgeSettledAsync(stoppingToken);
                    nextPurgeAt = time.GetUtcNow() + PurgeInterval;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unreachable (or not migrated yet); never take the host down.
                LogPassFailed(logger, e, options.Value.MessageNoticePollInterval);
            }

            if (batchWasFull)
            {
                continue;
            }

            try
            {
                await Task.Delay(options.Value.MessageNoticePollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Claims one batch of due notices, tells their recipients, and returns how many notices it claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var telegramSends = new List<(DeliveryAttempt Attempt, string ChatId, string Text)>();
        int claimed;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var now = time.GetUtcNow();
            // Ordered by recipient and conversation so one conversation's due notices land in the same batch.
            var due = await db.MessageNotices
                .FromSql($"SELECT * FROM message_notices WHERE status = 'pending' AND due_at <= {now} ORDER BY recipient_id, conversation_id, due_at LIMIT {options.Value.MessageNoticeBatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(ct);
            claimed = due.Count;
            if (claimed == 0)
            {
                return 0;
            }

            var recipients = due.Select(n => n.RecipientId).Distinct().ToList();
            var preferences = await db.Preferences.Where(p => recipients.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, ct);
            foreach (var conversation in due.GroupBy(n => (n.RecipientId, n.ConversationId)))
            {
                var message = MessageNoticeText.For(conversation.ToList());
                var notification = Notification.Create(message.UserId, message.Kind, message.Title, message.Body, now);
                db.Notifications.Add(notification);
                db.DeliveryLog.Add(DeliveryAttempt.Delivered(notification, DeliveryChannel.InApp, now));
                foreach (var notice in conversation)
                {
                    notice.Deliver(notification, now);
                }

                if (preferences.GetValueOrDefault(message.UserId) is { WantsTelegram: true, TelegramChatId: { } chatId })
                {
                    var pending = DeliveryAttempt.Pending(notification, DeliveryChannel.Telegram, now);
                    db.DeliveryLog.Add(pending);
                    telegramSends.Add((pending, chatId, $"{message.Title}\n{message.Body}"));
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        var telegram = scope.ServiceProvider.GetRequiredService<TelegramDelivery>();
        foreach (var (attempt, chatId, text) in telegramSends)
        {
            await telegram.DeliverAsync(attempt, chatId, text, ct);
        }

        return claimed;
    }

    /// <summary>Deletes told and read notices last changed before the retention; returns how many.</summary>
    public async Task<int> PurgeSettledAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var before = time.GetUtcNow() - options.Value.MessageNoticeRetention;
        return await db.MessageNotices
            .Where(n => n.Status != MessageNoticeStatus.Pending && n.UpdatedAt < before)
            .ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering due message notices failed; retrying in {Interval}")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, TimeSpan interval);
}
