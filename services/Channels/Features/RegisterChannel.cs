using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using System.Globalization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Telegram;
using Microsoft.EntityFrameworkCore;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace DaprPlatform.Channels.Features;

/// <param name="Telegram">"@username" or a numeric chat id.</param>
public sealed record RegisterChannelRequest(string? Telegram);

/// <summary>POST /api/channels — a channel owner connects a Telegram channel, verified through the Bot API.</summary>
public static class RegisterChannel
{
    // Telegram's trouble is 502 or 503 (TelegramFailed) and the plan's limit 402; a union holds six answers, so those are listed here.
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/", HandleAsync)
            .WithName("RegisterChannel")
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<Results<Created<ChannelResponse>, ValidationProblem, ForbiddenProblem, ConflictProblem, UnprocessableProblem, StatusProblem>> HandleAsync(
        RegisterChannelRequest? request,
        ClaimsPrincipal user,
        ChannelsDbContext db,
        Outbox<ChannelsDbContext> outbox,
        ConfiguredTelegramBot bot,
        OwnerChannelSlots slots,
        HttpResponse response,
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

        if (bot.Client is not { } telegram)
        {
            return new UnavailableProblem(
                "The Telegram bot token is not configured (secret 'telegram:botToken'), so channels cannot be verified.",
                "Telegram is not configured.");
        }

        // Telegram takes chat_id as an integer or an "@username" string.
        ChatId chatId = reference!.ChatId is { } id ? new(id) : new(reference.Username!);
        ChatFullInfo chat;
        int members;
        try
        {
            chat = await telegram.GetChat(chatId, ct);
            if (chat.Type != ChatType.Channel)
            {
                return UnknownChannel($"{reference} is a {chat.Type.ToString().ToLowerInvariant()}, not a channel.");
            }

            // Cheap early answer without a second Telegram call; the unique index below settles races.
            if (await db.Channels.AnyAsync(c => c.TelegramChatId == chat.Id, ct))
            {
                return AlreadyRegistered(reference);
            }

            members = await telegram.GetChatMemberCount(chatId, ct);
        }
        catch (RequestException e)
        {
            return TelegramFailed(TelegramFailure.From(e), reference, response);
        }

        var now = time.GetUtcNow();
        var ownerId = user.GetUserId();
        var title = string.IsNullOrWhiteSpace(chat.Title) ? reference.ToString() : chat.Title;
        var channel = Channel.Register(chat.Id, chat.Username, title, ownerId, Math.Max(0, members), now);
        // The count and the insert share one transaction under the owner's lock: two registrations at the limit cannot both pass.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await slots.LockAsync(ownerId, ct);
        var allowance = await slots.AllowanceAsync(ownerId, ct);
        if (!allowance.Admits(await slots.ActiveCountAsync(ownerId, ct)))
        {
            return new PlanLimitProblem("maxChannels", allowance.Plan, allowance.MaxChannels, allowance.LiftedBy, allowance.Describe());
        }

        db.Channels.Add(channel);
        // Same SaveChanges as the channel row: the event exists exactly when the registration does.
        outbox.Enqueue(ChannelRegistered.Topic, new ChannelRegistered(
            channel.Id, channel.TelegramChatId, channel.Username, channel.Title, channel.OwnerId, channel.SubscribersAtRegistration, channel.CreatedAt));
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(ChannelsDbContext.UniqueTelegramChatIndex))
        {
            return AlreadyRegistered(reference);
        }

        return TypedResults.Created($"/api/channels/{channel.Id}", ChannelResponse.From(channel));
    }

    private static ConflictProblem AlreadyRegistered(TelegramChatReference reference) =>
        Problems.Conflict($"The Telegram channel {reference} is already registered.");

    private static UnprocessableProblem UnknownChannel(string detail) =>
        Problems.Unprocessable("telegram", detail, "Telegram could not confirm this channel.", "The channel could not be verified.");

    private static Results<Created<ChannelResponse>, ValidationProblem, ForbiddenProblem, ConflictProblem, UnprocessableProblem, StatusProblem> TelegramFailed(TelegramFailure failure, TelegramChatReference reference, HttpResponse response)
    {
        switch (failure.Kind)
        {
            // 401/404 mean Telegram refused our bot token: an operator problem, not the caller's.
            case TelegramFailureKind.TokenRefused:
                return new BadGatewayProblem(
                    $"Telegram refused the configured bot token ({failure.ErrorCode}: {failure.Description}).", "Telegram is unavailable.");
            case TelegramFailureKind.Refused:
                return UnknownChannel($"Telegram does not know {reference}, or the bot is not a member of it: {failure.Description}");
            // Flood control says nothing about the chat; the caller may try again once Telegram's wait is over.
            case TelegramFailureKind.FloodControl:
                if (failure.RetryAfter is { } wait)
                {
                    response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return new UnavailableProblem($"Telegram asked the bot to slow down ({failure.Description}).", "Telegram is busy.");
            default:
                return new BadGatewayProblem($"Telegram could not be asked about {reference}: {failure.Description}", "Telegram is unavailable.");
        }
    }
}
