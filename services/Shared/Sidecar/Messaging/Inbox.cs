using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Sidecar.Messaging;

public enum InboxResult
{
    Processed,
    Duplicate,
}

/// <summary>Runs a consumer's work at most once per (message id, consumer), in the same transaction as the work's changes.</summary>
public sealed class Inbox<TContext>
    where TContext : DbContext, IInboxStore
{
    private readonly TContext _db;
    private readonly TimeProvider _time;

    public Inbox(TContext db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
    }

    /// <summary>
    /// Skips a message already processed by <paramref name="consumer"/>; otherwise runs <paramref name="work"/>
    /// (which changes this DbContext), records the message and commits both together.
    /// A concurrent duplicate loses on the primary key and is reported as Duplicate with nothing written.
    /// </summary>
    public async Task<InboxResult> ProcessOnceAsync(string messageId, string consumer, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(work);

        if (_db.Database.CurrentTransaction is not null)
        {
            // The caller owns the transaction (and its commit); EF's automatic savepoint undoes a failed insert.
            return await ProcessInTransactionAsync(messageId, consumer, work, ct);
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            (messageId, consumer, work),
            async (_, state, token) =>
            {
                await using var transaction = await _db.Database.BeginTransactionAsync(token);
                var result = await ProcessInTransactionAsync(state.messageId, state.consumer, state.work, token);
                if (result == InboxResult.Processed)
                {
                    await transaction.CommitAsync(token);
                }
                else
                {
                    await transaction.RollbackAsync(token);
                }

                return result;
            },
            verifySucceeded: null,
            ct);
    }

    private async Task<InboxResult> ProcessInTransactionAsync(string messageId, string consumer, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        var seen = await _db.InboxMessages.AsNoTracking().AnyAsync(m => m.MessageId == messageId && m.Consumer == consumer, ct);
        if (seen)
        {
            return InboxResult.Duplicate;
        }

        await work(ct);
        _db.InboxMessages.Add(new InboxMessage { MessageId = messageId, Consumer = consumer, ProcessedAt = _time.GetUtcNow() });
        try
        {
            await _db.SaveChangesAsync(ct);
            return InboxResult.Processed;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: MessagingSchema.InboxPrimaryKey })
        {
            // Discard the work's pending changes too, so a later SaveChanges cannot write them.
            _db.ChangeTracker.Clear();
            return InboxResult.Duplicate;
        }
    }
}
