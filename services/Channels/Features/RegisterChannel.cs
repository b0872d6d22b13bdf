using System.Security.Claims;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.Channels.Infrastructure.Telegram;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Channels.Features;

/// <param name="Telegram">"@username" or a numeric chat id.</param>
public sealed record RegisterChannelRequest(string? Telegram);

/// <summary>POST /api/channels — a channel owner connects a Telegram channel, verified through the Bot API.</summary>
public static class RegisterChannel
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/", HandleAsync)
            .WithName("RegisterChannel")
            .Produces<ChannelResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<IResult> HandleAsync(
        RegisterChannelRequest? request,
        ClaimsPrincipal user,
        ChannelsDbContext db,
        Outbox<ChannelsDbContext> outbox,
        TelegramBotApi telegram,
        TimeProvider time,
        CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.ChannelOwner) && !user.IsAdmin())
        {
            return Problems.Forbidden("Only channel owners can register channels.");
        }

        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with telegram (\"@username\" or numeric chat id) is required.");
            return errors.ToProblem();
        }

        if (!TelegramChatReference.TryParse(request.Telegram, out var reference, out var referenceError))
        {
            errors.Add("telegram", referenceError!);
            return errors.ToProblem();
        }

        if (!telegram.IsConfigured)
        {
            return TypedResults.Problem(
                "The Telegram bot token is not configured (secret 'telegram:botToken'), so channels cannot be verified.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Telegram is not configured.");
        }

        var chat = await telegram.GetChatAsync(reference!, ct);
        if (chat.Outcome != BotApiOutcome.Ok)
        {
            return TelegramFailure(chat, reference!);
        }

        if (!string.Equals(chat.Value!.Type, "channel", StringComparison.Ordinal))
        {
            return UnknownChannel($"{reference} is a {chat.Value.Type ?? "chat"}, not a channel.");
        }

        // Cheap early answer without a second Telegram call; the unique index below settles races.
        if (await db.Channels.AnyAsync(c => c.TelegramChatId == chat.Value.Id, ct))
        {
            return AlreadyRegistered(reference!);
        }

        var members = await telegram.GetChatMemberCountAsync(reference!, ct);
        if (members.Outcome != BotApiOutcome.Ok)
        {
            return TelegramFailure(members, reference!);
        }

        var now = time.GetUtcNow();
        var title = string.IsNullOrWhiteSpace(chat.Value.Title) ? reference!.ToString() : chat.Value.Title;
        var channel = Channel.Register(chat.Value.Id, chat.Value.Username, title, user.GetUserId(), Math.Max(0, members.Value), now);
        db.Channels.Add(channel);
        // Same SaveChanges as the channel row: the event exists exactly when the registration does.
        outbox.Enqueue(ChannelRegistered.Topic, new ChannelRegistered(
            channel.Id, channel.TelegramChatId, channel.Username, channel.Title, channel.OwnerId, channel.SubscribersAtRegistration, channel.CreatedAt));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ChannelsDbContext.UniqueTelegramChatIndex })
        {
            return AlreadyRegistered(reference!);
        }

        return TypedResults.Created($"/api/channels/{channel.Id}", ChannelResponse.From(channel));
    }

    private static IResult AlreadyRegistered(TelegramChatReference reference) =>
        Problems.Conflict($"The Telegram channel {reference} is already registered.");

    private static IResult UnknownChannel(string detail) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["telegram"] = [detail] },
            detail: "Telegram could not confirm this channel.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The channel could not be verified.");

    private static IResult TelegramFailure<T>(BotApiResult<T> result, TelegramChatReference reference) => result switch
    {
        // 401/404 mean Telegram refused our bot token: an operator problem, not the caller's.
        { Outcome: BotApiOutcome.Rejected, ErrorCode: 401 or 404 } => TypedResults.Problem(
            $"Telegram refused the configured bot token ({result.ErrorCode}: {result.Description}).",
            statusCode: StatusCodes.Status502BadGateway,
            title: "Telegram is unavailable."),
        { Outcome: BotApiOutcome.Rejected } =>
            UnknownChannel($"Telegram does not know {reference}, or the bot is not a member of it: {result.Description}"),
        { Outcome: BotApiOutcome.NotConfigured } => TypedResults.Problem(
            result.Description, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Telegram is not configured."),
        _ => TypedResults.Problem(
            $"Telegram could not be asked about {reference}: {result.Description}",
            statusCode: StatusCodes.Status502BadGateway,
            title: "Telegram is unavailable."),
    };
}
