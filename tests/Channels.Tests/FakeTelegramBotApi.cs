using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Channels.Tests;

public sealed record FakeChat(long Id, string? Username, string Title, string Type, int Members);

/// <summary>
/// An in-test Kestrel server standing in for the Telegram Bot API: <c>getChat</c> and <c>getChatMemberCount</c>,
/// with failures in Telegram's shape ({ok:false, error_code, description, parameters}).
/// </summary>
public sealed class FakeTelegramBotApi : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeChat> _chats = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _brokenChats = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _floodedChats = new(StringComparer.OrdinalIgnoreCase);
    private LoopbackApp? _server;

    private FakeTelegramBotApi(string botToken)
    {
        BotToken = botToken;
    }

    public Uri BaseUrl => _server?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public string BotToken { get; }

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>A channel id no other test uses (Telegram channel ids look like -100xxxxxxxxxx).</summary>
    public static long NewChannelId() => -1_000_000_000_000 - Random.Shared.NextInt64(1, 999_999_999_999);

    public FakeChat AddChat(string? username = null, string type = "channel", int members = 1234, string? title = null)
    {
        var chat = new FakeChat(NewChannelId(), username?.TrimStart('@'), title ?? $"Channel {username ?? "private"}", type, members);
        _chats[chat.Id.ToString(CultureInfo.InvariantCulture)] = chat;
        if (chat.Username is not null)
        {
            _chats["@" + chat.Username] = chat;
        }

        return chat;
    }

    /// <summary>Requests about this chat get what a failing proxy in front of Telegram sends: 502 with an HTML page.</summary>
    public void BreakChat(string username) => _brokenChats[username] = 0;

    /// <summary>Requests about this chat get Telegram's flood control: 429 with parameters.retry_after.</summary>
    public void Flood(string username, int retryAfterSeconds) => _floodedChats[username] = retryAfterSeconds;

    public static async Task<FakeTelegramBotApi> StartAsync(string botToken)
    {
        var bot = new FakeTelegramBotApi(botToken);
        bot._server = await LoopbackApp.StartAsync(app => app.MapPost("/bot{token}/{method}", bot.HandleAsync));
        return bot;
    }

    private async Task<IResult> HandleAsync(string token, string method, HttpContext context)
    {
        Calls.Enqueue(method);
        if (token != BotToken)
        {
            return Error(401, "Unauthorized");
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var chatId = body.RootElement.TryGetProperty("chat_id", out var id)
            ? id.ValueKind == JsonValueKind.Number ? id.GetInt64().ToString(CultureInfo.InvariantCulture) : id.GetString()
            : null;
        if (chatId is not null && _brokenChats.ContainsKey(chatId))
        {
            return Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html", statusCode: 502);
        }

        if (chatId is not null && _floodedChats.TryGetValue(chatId, out var retryAfter))
        {
            return Results.Json(
                new { ok = false, error_code = 429, description = $"Too Many Requests: retry after {retryAfter}", parameters = new { retry_after = retryAfter } },
                statusCode: 429);
        }

        if (chatId is null || !_chats.TryGetValue(chatId, out var chat))
        {
            return Error(400, "Bad Request: chat not found");
        }

        return method switch
        {
            "getChat" => Results.Json(new { ok = true, result = new { id = chat.Id, type = chat.Type, title = chat.Title, username = chat.Username } }),
            "getChatMemberCount" => Results.Json(new { ok = true, result = chat.Members }),
            _ => Error(404, "Not Found"),
        };
    }

    private static IResult Error(int code, string description) =>
        Results.Json(new { ok = false, error_code = code, description }, statusCode: code);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
