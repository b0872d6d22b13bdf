namespace DaprPlatform.Notifications.Infrastructure.Telegram;

/// <summary>Sends a text message to a Telegram chat. Never throws for delivery failures; cancellation still propagates.</summary>
public interface ITelegramSender
{
    Task<TelegramSendResult> SendMessageAsync(string chatId, string text, CancellationToken ct);
}

public enum TelegramSendOutcome
{
    Sent,
    Failed,
    NotConfigured,
}

/// <param name="ErrorCode">Telegram's <c>error_code</c> (or the HTTP status when the body was not Telegram's), if any.</param>
public sealed record TelegramSendResult(TelegramSendOutcome Outcome, string? Error = null, int? ErrorCode = null)
{
    public static TelegramSendResult Sent { get; } = new(TelegramSendOutcome.Sent);
}
