using System.Security.Claims;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// DELETE /api/messages/{id} — the sender removes a message's text; it stays in place as deleted for both sides (live
/// <c>message:deleted</c>). Deleting it again answers 204 and changes nothing.
/// </summary>
public static class DeleteMessage
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder messages) => messages.MapDelete("/{id:guid}", HandleAsync).WithName("DeleteMessage");

    public static async Task<Results<NoContent, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ClaimsPrincipal user,
        MessagingDbContext db,
        Outbox<MessagingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var me = user.GetUserId();
        var result = await ChangeOwnMessage.RunAsync(id, me, LiveNotice.MessageDeleted, (message, now) => message.Delete(me, now), db, outbox, time, ct);
        return result.Result switch
        {
            Ok<MessageResponse> => TypedResults.NoContent(),
            NotFoundProblem notFound => notFound,
            ForbiddenProblem forbidden => forbidden,
            ConflictProblem conflict => conflict,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }
}
