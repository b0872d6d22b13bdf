using System.Security.Claims;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// GET /api/conversations/{id}?before=&amp;limit= — the conversation and a page of its messages, newest first; <c>nextCursor</c>
/// (passed as <c>before</c>) continues with older ones and is not moved by messages sent meanwhile.
/// </summary>
public static class GetConversation
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}", HandleAsync).WithName("GetConversation");

    public static async Task<Results<Ok<ConversationDetailResponse>, ValidationProblem, NotFoundProblem>> HandleAsync(
        Guid id,
        string? before,
        string? limit,
        ClaimsPrincipal user,
        MessagingDbContext db,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var size = PageLimit.Read(limit, errors);
        long? below = null;
        if (before is not null && (below = Cursors.ReadMessage(before)) is null)
        {
            errors.Add("before", "before is not a cursor this conversation gave out.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var me = user.GetUserId();
        var row = await ConversationRows.WithSummary(db, ConversationRows.Of(db, me).Where(c => c.Id == id), me).SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return MessagingProblems.ConversationNotFound(id);
        }

        var messages = db.Messages.AsNoTracking().Where(m => m.ConversationId == id);
        if (below is { } position)
        {
            messages = messages.Where(m => m.Position < position);
        }

        var page = await messages.OrderByDescending(m => m.Position).Take(size + 1).ToListAsync(ct);
        var next = page.Count > size ? Cursors.ForMessage(page[size - 1].Position) : null;
        return TypedResults.Ok(new ConversationDetailResponse(
            ConversationResponse.From(row, me), page.Take(size).Select(MessageResponse.From).ToList(), next));
    }
}
