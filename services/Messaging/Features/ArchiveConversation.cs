using System.Security.Claims;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Messaging.Features;

public sealed record ArchiveRequest(bool? Archived);

/// <summary>
/// PATCH /api/conversations/{id}/archive {archived} — the caller files the conversation away (or back) for themselves
/// only; a new message from the other side brings it back.
/// </summary>
public static class ArchiveConversation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPatch("/{id:guid}/archive", HandleAsync).WithName("ArchiveConversation");

    public static async Task<Results<Ok<ConversationResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ArchiveRequest? request,
        ClaimsPrincipal user,
        MessagingDbContext db,
        CancellationToken ct)
    {
        if (request?.Archived is not { } archived)
        {
            var errors = new ValidationErrors();
            errors.Add("archived", "archived is required (true or false).");
            return errors.ToProblem();
        }

        var me = user.GetUserId();
        return await db.RetryConcurrentChangeAsync<Results<Ok<ConversationResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>>(
            async token =>
            {
                var conversation = await ConversationRows.FindAsync(db, id, me, token);
                if (conversation is null)
                {
                    return MessagingProblems.ConversationNotFound(id);
                }

                conversation.SetArchived(me, archived);
                await db.SaveChangesAsync(token);
                return TypedResults.Ok(await ConversationRows.SummaryAsync(db, id, me, token));
            },
            () => MessagingProblems.StillChanging(id),
            ct);
    }
}
