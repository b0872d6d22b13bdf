using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Telegram;

/// <param name="MemberCount">What getChatMemberCount answers.</param>
/// <param name="MigrateToChatId">Marks a group as upgraded to the supergroup with this id: every method then refuses it.</param>
public sealed record StandInChatRequest(string? Username, long? Id, string? Type, string? Title, int? MemberCount, string? Description, long? MigrateToChatId = null);

/// <summary>
/// The stand-in's own API for demos and tests (not Telegram's): list and shape chats, read what bots sent, push an
/// update to the bot's webhook.
/// Bad input answers RFC 9457 problem details.
/// </summary>
internal static class StandInControlEndpoints
{
    private static readonly string[] ChatTypes = ["private", "group", "supergroup", "channel"];

    public static void Map(IEndpointRouteBuilder app, StandInChats chats, StandInWebhook webhook)
    {
        var control = app.MapGroup("/standin");
        control.MapGet("/chats", () => Results.Ok(chats.All()));
        control.MapPost("/chats", async (HttpContext context) =>
        {
            StandInChatRequest? request;
            try
            {
                request = await context.Request.ReadFromJsonAsync<StandInChatRequest>(context.RequestAborted);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return Results.Problem($"The body is not a chat: {ex.Message}", statusCode: StatusCodes.Status400BadRequest, title: "The request body is not valid JSON.");
            }

            var errors = Validate(request, chats);
            if (errors.Count > 0) { return Results.ValidationProblem(errors); }
            var username = request!.Username?.TrimStart('@');
            var (chat, created) = chats.Upsert(username, request.Id, request.Type, request.Title, request.MemberCount, request.Description, request.MigrateToChatId);
            return created ? Results.Created($"/standin/chats/{chat.Id}", chat) : Results.Ok(chat);
        });
        control.MapGet("/messages", (long? chatId) => Results.Ok(chats.Messages(chatId)));
        control.MapDelete("/messages", () =>
        {
            chats.ClearMessages();
            return Results.NoContent();
        });
        control.MapPost("/updates", (Delegate)((HttpContext context) => DeliverUpdateAsync(context, webhook)));
    }

    /// <summary>POST /standin/updates: an Update object, handed to the webhook set with setWebhook; answers what the webhook answered.</summary>
    private static async Task<IResult> DeliverUpdateAsync(HttpContext context, StandInWebhook webhook)
    {
        JsonObject? update;
        try
        {
            update = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException ex)
        {
            return Results.Problem($"The body is not JSON: {ex.Message}", statusCode: StatusCodes.Status400BadRequest, title: "The request body is not valid JSON.");
        }

        if (update is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["body"] = ["The body must be a Telegram Update object."] });
        }

        // Update.update_id is a 32-bit Integer in the Bot API (unlike chat ids, it is not flagged as wider), and
        // Telegram.Bot reads it as int.
        if (update["update_id"] is { } id && !(id is JsonValue value && value.TryGetValue<int>(out var n) && n > 0))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["update_id"] = ["update_id must be a positive 32-bit integer (or left out to get the next one)."] });
        }

        if (webhook.Current is null)
        {
            return Results.Problem("No webhook is set: call setWebhook first.", statusCode: StatusCodes.Status409Conflict, title: "There is no webhook to deliver to.");
        }

        try
        {
            var delivery = await webhook.DeliverAsync(update, context.RequestAborted);
            return delivery is null
                ? Results.Problem("The webhook was deleted meanwhile.", statusCode: StatusCodes.Status409Conflict, title: "There is no webhook to deliver to.")
                : Results.Ok(delivery);
        }
        catch (HttpRequestException ex)
        {
            return Results.Problem($"The webhook could not be reached: {ex.HttpRequestError}.", statusCode: StatusCodes.Status502BadGateway, title: "The webhook is unreachable.");
        }
    }

    private static Dictionary<string, string[]> Validate(StandInChatRequest? request, StandInChats chats)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            errors["body"] = ["A JSON object with username and/or id is required."];
            return errors;
        }

        var username = request.Username?.TrimStart('@');
        if (username is null && request.Id is null) { errors["username"] = ["Give username or id (or both)."]; }
        if (username is not null && !StandInChats.IsWellFormedUsername(username))
        {
            errors["username"] = ["username must be 5 to 32 letters, digits or underscores, starting with a letter."];
        }

        if (request.Id == 0) { errors["id"] = ["id must not be 0."]; }
        if (request.Id is { } id && chats.All().FirstOrDefault(c => c.Id == id) is { } taken && username is not null
            && !string.Equals(taken.Username, username, StringComparison.OrdinalIgnoreCase))
        {
            errors["id"] = [$"id {id} already belongs to another chat."];
        }

        if (request.Type is not null && !ChatTypes.Contains(request.Type, StringComparer.Ordinal))
        {
            errors["type"] = [$"type must be one of: {string.Join(", ", ChatTypes)}."];
        }

        if (request.MemberCount < 0) { errors["memberCount"] = ["memberCount must not be negative."]; }
        // Only basic groups are upgraded, always to a supergroup of another id.
        if (request.MigrateToChatId is { } to && (request.Type != "group" || to >= 0 || to == request.Id))
        {
            errors["migrateToChatId"] = ["migrateToChatId is for a chat of type group: the negative id of another chat."];
        }
        if (request.Title is { Length: 0 or > 128 }) { errors["title"] = ["title must be 1 to 128 characters."]; }
        return errors;
    }
}
