using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.DevHost.Telegram;

/// <summary>
/// <c>/bot&lt;token&gt;/&lt;method&gt;</c> (getMe, getChat, getChatMemberCount, sendMessage, setWebhook, deleteWebhook, getWebhookInfo) as the Bot API serves it ("Making requests"): GET or POST, parameters in the query
/// string, an application/json body, or a form (urlencoded or multipart); method names are case-insensitive; every
/// answer is <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":N,"description":"…"}</c> with the HTTP status
/// equal to error_code, plus <c>parameters.retry_after</c> on flood control and <c>parameters.migrate_to_chat_id</c> for an
/// upgraded group.
/// </summary>
internal static class BotApiEndpoints
{
    /// <summary>Telegram's limit on a message's text, after entity parsing ("sendMessage: 1-4096 characters").</summary>
    public const int MaxTextLength = 4096;

    private static readonly JsonSerializerOptions Wire = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Map(IEndpointRouteBuilder app, StandInChats chats, StandInWebhook webhook, TelegramStandInOptions options, TimeProvider time)
    {
        var botId = long.Parse(options.BotToken.Split(':')[0], CultureInfo.InvariantCulture);
        var bot = new BotUser(botId, true, "DevHost stand-in bot", "devhost_standin_bot");

        app.MapMethods("/bot{token}/{method}", ["GET", "POST"], async (string token, string method, HttpContext context) =>
        {
            // Telegram answers a path whose token is not "<bot id>:<secret>" as an unknown page (404 Not Found), and a
            // well-formed token it does not know with 401 Unauthorized, whatever the method.
            if (!string.Equals(token, options.BotToken, StringComparison.Ordinal))
            {
                return Fail(TelegramStandInOptions.IsWellFormedToken(token) ? new BotApiError(401, "Unauthorized") : new BotApiError(404, "Not Found"));
            }

            var parameters = await ReadParametersAsync(context.Request, context.RequestAborted);
            if (parameters is null)
            {
                return Fail(new BotApiError(400, "Bad Request: can't parse JSON object"));
            }

            return method.ToLowerInvariant() switch
            {
                "getme" => Ok(bot),
                "getchat" => GetChat(chats, parameters),
                // getChatMembersCount is the method's older, still accepted name.
                "getchatmembercount" or "getchatmemberscount" => GetChatMemberCount(chats, parameters),
                "sendmessage" => SendMessage(chats, parameters, bot, time),
                "setwebhook" => SetWebhook(webhook, parameters),
                "deletewebhook" => DeleteWebhook(webhook),
                "getwebhookinfo" => Ok(new WebhookInfo(webhook.Current?.Url.ToString() ?? "", false, 0)),
                _ => Fail(new BotApiError(404, "Not Found")),
            };
        });
    }

    private static IResult GetChat(StandInChats chats, IReadOnlyDictionary<string, string> parameters)
    {
        if (Chat(chats, parameters, out var error) is not { } chat) { return Fail(error!); }

        // getChat answers a ChatFullInfo: accent_color_id and max_reaction_count are always present.
        return Ok(new ChatFullInfo(chat.Id, chat.Type, chat.Title, chat.Username, chat.FirstName, chat.Description, AccentColorId: 0, MaxReactionCount: 11));
    }

    private static IResult GetChatMemberCount(StandInChats chats, IReadOnlyDictionary<string, string> parameters) =>
        Chat(chats, parameters, out var error) is { } chat ? Ok(chat.MemberCount) : Fail(error!);

    private static IResult SendMessage(StandInChats chats, IReadOnlyDictionary<string, string> parameters, BotUser bot, TimeProvider time)
    {
        if (Chat(chats, parameters, out var error) is not { } chat) { return Fail(error!); }
        var text = parameters.GetValueOrDefault("text") ?? "";
        if (string.IsNullOrWhiteSpace(text)) { return Fail(new BotApiError(400, "Bad Request: message text is empty")); }
        if (text.Length > MaxTextLength) { return Fail(new BotApiError(400, "Bad Request: message is too long")); }

        var message = chats.Record(chat, text, parameters.GetValueOrDefault("parse_mode"));
        var summary = new ChatSummary(chat.Id, chat.Type, chat.Title, chat.Username, chat.FirstName);
        // In a channel the message is sent on behalf of the channel (sender_chat); elsewhere it is from the bot.
        return Ok(new SentMessage(
            message.MessageId,
            message.SentAt.ToUnixTimeSeconds(),
            summary,
            text,
            chat.Type == "channel" ? null : bot,
            chat.Type == "channel" ? summary : null));
    }

    private static IResult SetWebhook(StandInWebhook webhook, IReadOnlyDictionary<string, string> parameters)
    {
        var url = parameters.GetValueOrDefault("url") ?? "";
        // setWebhook: "Use an empty string to remove webhook integration".
        if (url.Length == 0) { return DeleteWebhook(webhook); }
        var secret = parameters.GetValueOrDefault("secret_token");
        if (StandInWebhook.Check(url, secret) is { } problem) { return Fail(new BotApiError(400, problem)); }
        webhook.Set(new Uri(url), secret);
        return Ok(true, "Webhook was set");
    }

    private static IResult DeleteWebhook(StandInWebhook webhook)
    {
        var had = webhook.Current is not null;
        webhook.Delete();
        return Ok(true, had ? "Webhook was deleted" : "Webhook is already deleted");
    }

    private static StandInChat? Chat(StandInChats chats, IReadOnlyDictionary<string, string> parameters, out BotApiError? error)
    {
        if (!parameters.TryGetValue("chat_id", out var chatId) || string.IsNullOrWhiteSpace(chatId))
        {
            error = new BotApiError(400, "Bad Request: chat_id is empty");
            return null;
        }

        return chats.Resolve(chatId, out error);
    }

    /// <summary>Query string first, then the body (which wins); null when a JSON body is not an object.</summary>
    private static async Task<IReadOnlyDictionary<string, string>?> ReadParametersAsync(HttpRequest request, CancellationToken ct)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query) { values[key] = value.ToString(); }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, value) in form) { values[key] = value.ToString(); }
        }
        else if (request.HasJsonContentType())
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            }
            catch (JsonException)
            {
                return null;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) { return null; }
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        _ => property.Value.GetRawText(),
                    };
                }
            }
        }

        return values;
    }

    private static IResult Ok<T>(T result, string? description = null) => Results.Json(new Success<T>(true, result, description), Wire);

    private static IResult Fail(BotApiError error) => Results.Json(
        new Failure(false, error.ErrorCode, error.Description, error.RetryAfter is null && error.MigrateToChatId is null ? null : new ResponseParameters(error.RetryAfter, error.MigrateToChatId)),
        Wire,
        statusCode: error.ErrorCode);

    private sealed record Success<T>(bool Ok, T Result, string? Description);

    private sealed record Failure(bool Ok, int ErrorCode, string Description, ResponseParameters? Parameters);

    private sealed record ResponseParameters(int? RetryAfter, long? MigrateToChatId);

    private sealed record BotUser(long Id, bool IsBot, string FirstName, string Username);

    private sealed record ChatSummary(long Id, string Type, string? Title, string? Username, string? FirstName);

    private sealed record ChatFullInfo(long Id, string Type, string? Title, string? Username, string? FirstName, string? Description, int AccentColorId, int MaxReactionCount);

    private sealed record WebhookInfo(string Url, bool HasCustomCertificate, int PendingUpdateCount);

    private sealed record SentMessage(int MessageId, long Date, ChatSummary Chat, string Text, BotUser? From, ChatSummary? SenderChat);
}
