using System.Security.Claims;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// GET /api/conversations/unread — the caller's unread total over all their conversations, archived ones included, and how
/// many conversations have any: what a menu badge shows, in one aggregate instead of paging through the list.
/// </summary>
public static class CountUnread
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/unread", HandleAsync).WithName("CountUnread");

    public static async Task<Ok<UnreadTotalResponse>> HandleAsync(ClaimsPrincipal user, MessagingDbContext db, CancellationToken ct)
    {
        var me = user.GetUserId();
        var unread = from message in ConversationRows.UnreadBy(db.Messages, me)
                     join conversation in ConversationRows.Of(db, me) on message.ConversationId equals conversation.Id
                     select message.ConversationId;
        var totals = await unread
            .GroupBy(_ => 1)
            .Select(g => new UnreadTotalResponse(g.Count(), g.Distinct().Count()))
            .SingleOrDefaultAsync(ct);
        return TypedResults.Ok(totals ?? new UnreadTotalResponse(0, 0));
    }
}
