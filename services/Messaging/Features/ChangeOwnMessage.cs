using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// What editing and deleting share: find the message for a participant (404 for anyone else), apply the sender's change
/// under the domain's rules (403 / 409), and commit it with its live notice to both sides.
/// </summary>
public static class ChangeOwnMessage
{
    /// <param name="change">Applies the change; false when there was nothing to change (no notice then).</param>
    public static Task<Results<Ok<MessageResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem>> RunAsync(
        Guid messageId,
        Guid userId,
        string liveEvent,
        Func<Message, DateTimeOffset, bool> change,
        MessagingDbContext db,
        Outbox<MessagingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct) =>
        db.RetryConcurrentChangeAsync<Results<Ok<MessageResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem>>(
            async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                var conversationId = await db.Messages.Where(m => m.Id == messageId).Select(m => (Guid?)m.ConversationId).SingleOrDefaultAsync(token);
                var conversation = conversationId is { } cid ? await ConversationRows.LockAsync(db, cid, userId, token) : null;
                // Read under the conversation's lock, so a concurrent edit or delete of the same message has finished.
                var message = conversation is null ? null : await db.Messages.SingleAsync(m => m.Id == messageId, token);
                if (message is null || conversation is null)
                {
                    return MessagingProblems.MessageNotFound(messageId);
                }

                var now = time.GetUtcNow();
                try
                {
                    if (!change(message, now))
                    {
                        return TypedResults.Ok(MessageResponse.From(message));
                    }
                }
                catch (MessagingRuleViolation violation) when (violation.Rule == MessagingRule.NotSender)
                {
                    return Problems.Forbidden(violation.Message);
                }
                catch (MessagingRuleViolation violation)
                {
                    return MessagingProblems.RuleViolated(violation);
                }

                conversation.Changed();
                LiveNotices.Enqueue(outbox, conversation, liveEvent, now, MessageResponse.From(message));
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
                return TypedResults.Ok(MessageResponse.From(message));
            },
            () => MessagingProblems.StillChanging(messageId),
            ct);
}
