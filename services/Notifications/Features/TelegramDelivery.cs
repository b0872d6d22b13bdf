using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Infrastructure.Telegram;

namespace DaprPlatform.Notifications.Features;

/// <summary>Completes a pending Telegram delivery-log row by actually sending the message.</summary>
public sealed class TelegramDelivery(NotificationsDbContext db, ITelegramSender sender, TimeProvider time)
{
    public async Task DeliverAsync(DeliveryAttempt pending, string chatId, string text, CancellationToken ct)
    {
        var result = await sender.SendMessageAsync(chatId, text, ct);
        var status = result.Outcome switch
        {
            TelegramSendOutcome.Sent => DeliveryStatus.Delivered,
            TelegramSendOutcome.NotConfigured => DeliveryStatus.NotConfigured,
            _ => DeliveryStatus.Failed,
        };
        pending.Complete(status, result.Error, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }
}
