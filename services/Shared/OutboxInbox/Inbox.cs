using Microsoft.EntityFrameworkCore;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.OutboxInbox;

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
    private readonly OutboxInboxMetrics _metrics;

    public Inbox(TContext db, TimeProvider timeProvider, OutboxInboxMetrics metrics)
    {
        _db = db;
        _time = timeProvider;
        _metrics = metrics;
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

        var outcome = await InTransactionAsync(
            async token =>
            {
                var result = await ProcessInTransactionAsync(messageId, consumer, work, token);
                return (result, result == InboxResult.Processed);
            },
            ct);
        if (outcome == InboxResult.Duplicate)
        {
            _metrics.InboxDuplicates(consumer, 1);
        }

        return outcome;
    }

    /// <summary>
    /// Batch form for bulk deliveries: skips the ids <paramref name="consumer"/> already processed, runs <paramref name="work"/>
    /// once with the rest, and records them all in the same transaction as the work's changes. Returns the ids that were new
    /// (empty when every one was a duplicate; then <paramref name="work"/> does not run). A concurrent duplicate makes the
    /// whole batch fail with <see cref="DbUpdateException"/> and nothing written, so the caller can have it redelivered.
    /// </summary>
    public async Task<IReadOnlyList<string>> ProcessBatchOnceAsync(
        IReadOnlyCollection<string> messageIds,
        string consumer,
        Func<IReadOnlyList<string>, CancellationToken, Task> work,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(work);
        if (messageIds.Any(string.IsNullOrEmpty)) { throw new ArgumentException("Message ids must not be empty.", nameof(messageIds)); }

        var distinct = 0;
        var processed = await InTransactionAsync(
            async token =>
            {
                var ids = messageIds.Distinct(StringComparer.Ordinal).ToList();
                distinct = ids.Count;
                var seen = await _db.InboxMessages.AsNoTracking()
                    .Where(m => m.Consumer == consumer && ids.Contains(m.MessageId))
                    .Select(m => m.MessageId)
                    .ToListAsync(token);
                var fresh = ids.Except(seen, StringComparer.Ordinal).ToList();
                if (fresh.Count == 0) { return ((IReadOnlyList<string>)fresh, false); }

                await work(fresh, token);
                var now = _time.GetUtcNow();
                _db.InboxMessages.AddRange(fresh.Select(id => new InboxMessage { MessageId = id, Consumer = consumer, ProcessedAt = now }));
                try
                {
                    await _db.SaveChangesAsync(token);
                }
                catch (DbUpdateException ex) when (ex.IsUniqueViolation(OutboxInboxSchema.InboxPrimaryKey))
                {
                    // Discard the work's pending changes too, so a later SaveChanges cannot write them.
                    _db.ChangeTracker.Clear();
                    throw;
                }

                return (fresh, true);
            },
            ct);
        // Counted after the transaction, so an execution-strategy retry does not count the same ids twice.
        _metrics.InboxDuplicates(consumer, distinct - processed.Count);
        return processed;
    }

    /// <summary>Runs <paramref name="body"/> in the caller's transaction, or in a new one (under the execution strategy) committed when it says so.</summary>
    private async Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<(T Result, bool Commit)>> body, CancellationToken ct)
    {
        if (_db.Database.CurrentTransaction is not null)
        {
            // The caller owns the transaction (and its commit); EF's automatic savepoint undoes a failed insert.
            return (await body(ct)).Result;
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            body,
            async (_, state, token) =>
            {
                await using var transaction = await _db.Database.BeginTransactionAsync(token);
                var (result, commit) = await state(token);
                if (commit)
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
        catch (DbUpdateException ex) when (ex.IsUniqueViolation(OutboxInboxSchema.InboxPrimaryKey))
        {
            // Discard the work's pending changes too, so a later SaveChanges cannot write them.
            _db.ChangeTracker.Clear();
            return InboxResult.Duplicate;
        }
    }
}
