using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Notifications.Infrastructure.Telegram;

/// <summary>Bot API <c>sendMessage</c> over a typed HttpClient.</summary>
public sealed partial class TelegramBotApiSender(HttpClient http, IOptions<TelegramOptions> options, ILogger<TelegramBotApiSender> logger) : ITelegramSender
{
    public async Task<TelegramSendResult> SendMessageAsync(string chatId, string text, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatId);
        ArgumentNullException.ThrowIfNull(text);

        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.BotToken))
        {
            return new TelegramSendResult(TelegramSendOutcome.NotConfigured, "Telegram bot token is not configured.");
        }

        var baseUrl = settings.BaseUrl.ToString().TrimEnd('/');
        var url = new Uri($"{baseUrl}/bot{settings.BotToken.Trim()}/sendMessage");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.PostAsJsonAsync(url, new SendMessageRequest(chatId, text), timeout.Token);
            var reply = await ReadReplyAsync(response, timeout.Token);
            if (response.IsSuccessStatusCode && reply?.Ok == true)
            {
                return TelegramSendResult.Sent;
            }

            var code = reply?.ErrorCode ?? (int)response.StatusCode;
            var description = reply?.Description ?? $"HTTP {(int)response.StatusCode} without a Bot API reply";
            LogRejected(logger, code, description);
            return new TelegramSendResult(TelegramSendOutcome.Failed, $"Telegram error {code}: {description}", code);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new TelegramSendResult(TelegramSendOutcome.Failed, $"Telegram did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            // The message of a transport error names host and port only, never the path that carries the token.
            LogTransportFailure(logger, ex.HttpRequestError, ex);
            return new TelegramSendResult(TelegramSendOutcome.Failed, $"Telegram unreachable: {ex.HttpRequestError}.");
        }
    }

    private static async Task<BotApiReply?> ReadReplyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<BotApiReply>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // Content type other than JSON (e.g. an HTML error page from a proxy).
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram rejected sendMessage: {ErrorCode} {Description}")]
    private static partial void LogRejected(ILogger logger, int errorCode, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram sendMessage failed in transport: {Error}")]
    private static partial void LogTransportFailure(ILogger logger, HttpRequestError error, Exception exception);

    private sealed record SendMessageRequest(
        [property: JsonPropertyName("chat_id")] string ChatId,
        [property: JsonPropertyName("text")] string Text);

    private sealed record BotApiReply(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("error_code")] int? ErrorCode);
}
