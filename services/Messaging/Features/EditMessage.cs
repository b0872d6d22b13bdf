using System.Security.Claims;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Messaging.Features;

/// <summary>PATCH /api/messages/{id} {text} — the sender corrects a message within the edit window (live <c>message:edited</c>).</summary>
public static class EditMessage
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder messages) => messages.MapPatch("/{id:guid}", HandleAsync).WithName("EditMessage");

    public static async Task<Results<Ok<MessageResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
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
        var window = limits.Value.EditWindow;
        var result = await ChangeOwnMessage.RunAsync(id, me, LiveNotice.MessageEdited, (message, now) =>
        {
            message.Edit(me, text, now, window);
            return true;
        }, db, outbox, time, ct);
        return result.Result switch
        {
            Ok<MessageResponse> ok => ok,
            NotFoundProblem notFound => notFound,
            ForbiddenProblem forbidden => forbidden,
            ConflictProblem conflict => conflict,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }
}
