using System.Security.Claims;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// PATCH /api/messages/{id}/read — a participant has read up to this message: it and every earlier message from the other
/// side are read. One <c>message.read</c> (and live <c>message:read</c>) per action that newly read something.
/// </summary>
public static class MarkMessageRead
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder messages) => messages.MapPatch("/{id:guid}/read", HandleAsync).WithName("MarkMessageRead");

    public static async Task<Results<Ok<ReadReceiptResponse>, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ClaimsPrincipal user,
        MessagingDbContext db,
        Outbox<MessagingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var me = user.GetUserId();
        return await db.RetryConcurrentChangeAsync<Results<Ok<ReadReceiptResponse>, NotFoundProblem, ConflictProblem>>(
            async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                var target = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, token);
                var conversation = target is null ? null : await ConversationRows.LockAsync(db, target.ConversationId, me, token);
                if (target is null || conversation is null)
                {
                    return MessagingProblems.MessageNotFound(id);
                }

                var now = time.GetUtcNow();
                var newlyRead = await db.Messages
                    .Where(m => m.ConversationId == conversation.Id && m.SenderId != me && m.ReadAt == null && m.DeletedAt == null && m.Position <= target.Position)
                    .OrderBy(m => m.Position)
                    .ToListAsync(token);
                foreach (var message in newlyRead)
                {
                    message.MarkRead(now);
                }

                var ids = newlyRead.Select(m => m.Id).ToList();
                if (ids.Count > 0)
                {
                    conversation.Changed();
                    var receipt = new MessageRead(conversation.Id, me, ids, now);
                    outbox.Enqueue(MessageRead.Topic, receipt);
                    LiveNotices.Enqueue(outbox, conversation, LiveNotice.MessageRead, now, receipt);
                    await db.SaveChangesAsync(token);
                }

                var unread = await db.Messages.CountAsync(m => m.ConversationId == conversation.Id && m.SenderId != me && m.ReadAt == null && m.DeletedAt == null, token);
                await transaction.CommitAsync(token);
                return TypedResults.Ok(new ReadReceiptResponse(conversation.Id, me, ids, now, unread));
            },
            () => MessagingProblems.StillChanging(id),
            ct);
    }
}
