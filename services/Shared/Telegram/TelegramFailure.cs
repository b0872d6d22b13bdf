using Telegram.Bot.Exceptions;

namespace DaprPlatform.Telegram;

public enum TelegramFailureKind
{
    /// <summary>Telegram refused the request about this chat (400 chat not found, 403 bot not a member, kicked or blocked).</summary>
    Refused,

    /// <summary>401 or 404: Telegram does not accept the configured bot token, an operator problem.</summary>
    TokenRefused,

    /// <summary>429 flood control; <see cref="TelegramFailure.RetryAfter"/> is how long Telegram asks to wait.</summary>
    FloodControl,

    /// <summary>Telegram's own failure (5xx), an answer that is not the Bot API's, a timeout or a transport error.</summary>
    Unavailable,
}

/// <summary>What a failed Telegram.Bot call means for the caller. Descriptions never contain the bot token.</summary>
public sealed record TelegramFailure(TelegramFailureKind Kind, int? ErrorCode, string Description, TimeSpan? RetryAfter = null)
{
    public static TelegramFailure From(RequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ApiRequestException { ErrorCode: 401 or 404 } e => new(TelegramFailureKind.TokenRefused, e.ErrorCode, e.Message),
            ApiRequestException { ErrorCode: 429 } e => new(
                TelegramFailureKind.FloodControl, e.ErrorCode, e.Message, e.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null),
            ApiRequestException { ErrorCode: >= 500 } e => new(TelegramFailureKind.Unavailable, e.ErrorCode, e.Message),
            ApiRequestException e => new(TelegramFailureKind.Refused, e.ErrorCode, e.Message),
            // Telegram.Bot read an HTTP answer but no Bot API envelope in it (e.g. a proxy's HTML error page).
            { HttpStatusCode: { } status } => new(TelegramFailureKind.Unavailable, (int)status, $"HTTP {(int)status} without a Bot API reply."),
            { InnerException: TaskCanceledException or TimeoutException } => new(TelegramFailureKind.Unavailable, null, "Telegram did not answer in time."),
            // A transport error's message names host and port only, never the path that carries the token.
            { InnerException: HttpRequestException http } => new(TelegramFailureKind.Unavailable, null, $"Telegram unreachable: {http.HttpRequestError}."),
            _ => new(TelegramFailureKind.Unavailable, null, "Telegram could not be reached."),
        };
    }

    public override string ToString() => ErrorCode is { } code ? $"Telegram error {code}: {Description}" : Description;
}
