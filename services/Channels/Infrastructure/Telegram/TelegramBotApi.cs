using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DaprPlatform.Channels.Domain;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Channels.Infrastructure.Telegram;

public enum BotApiOutcome
{
    Ok,
    /// <summary>Telegram answered with ok=false (e.g. 400 chat not found, 403 bot not in the chat).</summary>
    Rejected,
    /// <summary>No answer, a timeout, or an answer that is not the Bot API's (proxy error page, 5xx, 429).</summary>
    Unreachable,
    NotConfigured,
}

public sealed record BotApiResult<T>(BotApiOutcome Outcome, T? Value, int? ErrorCode = null, string? Description = null)
{
    public static BotApiResult<T> Fail(BotApiOutcome outcome, int? code, string description) => new(outcome, default, code, description);
}

/// <summary>Bot API <c>getChat</c> result, reduced to what channels stores.</summary>
public sealed record TelegramChat(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("username")] string? Username);

/// <summary>The Telegram Bot API methods channels calls, over a typed HttpClient.</summary>
public sealed partial class TelegramBotApi(HttpClient http, IOptions<TelegramOptions> options, ILogger<TelegramBotApi> logger)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.BotToken);

    public Task<BotApiResult<TelegramChat>> GetChatAsync(TelegramChatReference chat, CancellationToken ct) =>
        CallAsync<TelegramChat>("getChat", chat, ct);

    public Task<BotApiResult<int>> GetChatMemberCountAsync(TelegramChatReference chat, CancellationToken ct) =>
        CallAsync<int>("getChatMemberCount", chat, ct);

    private async Task<BotApiResult<T>> CallAsync<T>(string method, TelegramChatReference chat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.BotToken))
        {
            return BotApiResult<T>.Fail(BotApiOutcome.NotConfigured, null, "Telegram bot token is not configured (secret 'telegram:botToken').");
        }

        var url = new Uri($"{settings.BaseUrl.ToString().TrimEnd('/')}/bot{settings.BotToken.Trim()}/{method}");
        // Telegram takes chat_id as an integer or an "@username" string.
        object body = chat.ChatId is { } id ? new ChatIdRequest<long>(id) : new ChatIdRequest<string>(chat.Username!);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.PostAsJsonAsync(url, body, timeout.Token);
            var reply = await ReadReplyAsync<T>(response, timeout.Token);
            if (reply is null)
            {
                return BotApiResult<T>.Fail(BotApiOutcome.Unreachable, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} without a Bot API reply.");
            }

            if (reply.Ok && response.IsSuccessStatusCode && reply.Result is not null)
            {
                return new BotApiResult<T>(BotApiOutcome.Ok, reply.Result);
            }

            var code = reply.ErrorCode ?? (int)response.StatusCode;
            var description = reply.Description ?? "no description";
            LogRejected(logger, method, code, description);
            // Flood control and Telegram's own failures say nothing about the chat; treat them like an outage.
            var outcome = code is 429 or >= 500 ? BotApiOutcome.Unreachable : BotApiOutcome.Rejected;
            return BotApiResult<T>.Fail(outcome, code, description);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return BotApiResult<T>.Fail(BotApiOutcome.Unreachable, null, $"Telegram did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            // A transport error's message names host and port only, never the path that carries the token.
            LogTransportFailure(logger, method, ex.HttpRequestError, ex);
            return BotApiResult<T>.Fail(BotApiOutcome.Unreachable, null, $"Telegram unreachable: {ex.HttpRequestError}.");
        }
    }

    private static async Task<BotApiReply<T>?> ReadReplyAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<BotApiReply<T>>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // Not JSON at all (e.g. an HTML error page from a proxy).
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram rejected {Method}: {ErrorCode} {Description}")]
    private static partial void LogRejected(ILogger logger, string method, int errorCode, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram {Method} failed in transport: {Error}")]
    private static partial void LogTransportFailure(ILogger logger, string method, HttpRequestError error, Exception exception);

    private sealed record ChatIdRequest<TId>([property: JsonPropertyName("chat_id")] TId ChatId);

    private sealed record BotApiReply<TResult>(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("result")] TResult? Result,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("error_code")] int? ErrorCode);
}
