using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Telegram;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace DaprPlatform.Notifications.Features;

/// <summary>
/// Completes a pending Telegram delivery-log row by sending the message with Telegram.Bot. A delivery failure is
/// recorded on the row, never thrown; cancellation still propagates. Without a bot token the row says the channel is
/// not configured.
/// </summary>
public sealed partial class TelegramDelivery(NotificationsDbContext db, ConfiguredTelegramBot bot, TimeProvider time, ILogger<TelegramDelivery> logger)
{
    public async Task DeliverAsync(DeliveryAttempt pending, string chatId, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var (status, error) = await SendAsync(chatId, text, ct);
        pending.Complete(status, error, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    private async Task<(DeliveryStatus Status, string? Error)> SendAsync(string chatId, string text, CancellationToken ct)
    {
        if (bot.Client is not { } telegram)
        {
            return (DeliveryStatus.NotConfigured, "Telegram bot token is not configured.");
        }

        try
        {
            // Preferences hold a numeric chat id or an @username; Telegram takes either as chat_id.
            await telegram.SendMessage(chatId, text, cancellationToken: ct);
            return (DeliveryStatus.Delivered, null);
        }
        catch (RequestException e)
        {
            var failure = TelegramFailure.From(e);
            LogFailed(logger, failure.Kind, failure.ErrorCode, failure.Description);
            // Flood control is recorded with Telegram's wait, so whoever resends knows when it may.
            var error = failure.RetryAfter is { } wait ? $"{failure} (retry after {wait.TotalSeconds:0} s)" : failure.ToString();
            return (DeliveryStatus.Failed, error);
        }
        catch (ArgumentException e) when (e.ParamName == "username")
        {
            // Telegram.Bot's ChatId refuses what is neither a 64-bit id nor an @username (e.g. 20 digits).
            return (DeliveryStatus.Failed, $"Not a Telegram chat id: {chatId}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram sendMessage failed ({Kind}): {ErrorCode} {Description}")]
    private static partial void LogFailed(ILogger logger, TelegramFailureKind kind, int? errorCode, string description);
}
