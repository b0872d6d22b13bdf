using System.Security.Claims;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Messaging.Features;

/// <summary>The body of sending and of editing a message.</summary>
public sealed record MessageTextRequest(string? Text)
{
    /// <summary>The trimmed text of 1 to <paramref name="maxLength"/> characters; null with the 400 that says why not.</summary>
    public static string? Read(MessageTextRequest? request, int maxLength, out ValidationProblem? problem)
    {
        problem = null;
        if (request is null)
        {
            problem = ValidationErrors.MissingBody("{text}");
            return null;
        }

        var errors = new ValidationErrors();
        var text = errors.RequireText("text", request.Text, maxLength);
        problem = text is null ? errors.ToProblem() : null;
        return text;
    }
}

/// <summary>
/// POST /api/conversations/{id}/messages {text} — a participant sends a message: <c>message.sent</c> and the live
/// <c>message:new</c> commit with it. Over the send rate: 429 with Retry-After, nothing written.
/// </summary>
public static class SendMessage
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/messages", HandleAsync).WithName("SendMessage");

    public static async Task<Results<Created<MessageResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, TooManyMessagesProblem>> HandleAsync(
        Guid id,
        MessageTextRequest? request,
        ClaimsPrincipal user,
        MessagingDbContext db,
        Outbox<MessagingDbContext> outbox,
        IOptions<MessagingLimits> limits,
        TimeProvider time,
        CancellationToken ct)
    {
        if (MessageTextRequest.Read(request, limits.Value.MaxTextLength, out var problem) is not { } text)
        {
            return problem!;
        }

        var me = user.GetUserId();
        return await db.RetryConcurrentChangeAsync<Results<Created<MessageResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, TooManyMessagesProblem>>(
            async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                var conversation = await ConversationRows.LockAsync(db, id, me, token);
                if (conversation is null)
                {
                    return MessagingProblems.ConversationNotFound(id);
                }

                var now = time.GetUtcNow();
                if (await SendRate.WaitBeforeNextAsync(db, me, now, limits.Value, token) is { } wait)
                {
                    return new TooManyMessagesProblem(wait,
                        $"At most {limits.Value.SendsPerWindow} messages per {limits.Value.SendWindow.TotalSeconds:0} s; try again later.");
                }

                var message = conversation.Send(me, text, now);
                db.Messages.Add(message);
                outbox.Enqueue(MessageSent.Topic, MessageSent.From(conversation, message));
                LiveNotices.Enqueue(outbox, conversation, LiveNotice.MessageNew, now, MessageResponse.From(message));
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
                return TypedResults.Created($"/api/conversations/{id}", MessageResponse.From(message));
            },
            () => MessagingProblems.StillChanging(id),
            ct);
    }
}
