using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.ServiceDefaults;

/// <summary>What PostgreSQL refused when two writers met, and the one way a unit of work is re-run when they did.</summary>
public static class DatabaseConflicts
{
    private const int Attempts = 3;

    /// <summary>SQLSTATE 23505 on one of <paramref name="constraints"/> (on any unique constraint when none is named).</summary>
    public static bool IsUniqueViolation(this DbUpdateException e, params string[] constraints)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
            && (constraints.Length == 0 || constraints.Contains(pg.ConstraintName, StringComparer.Ordinal));
    }

    /// <summary>SQLSTATE 23P01 (an exclusion constraint, e.g. no two overlapping ranges) on one of <paramref name="constraints"/>, or any.</summary>
    public static bool IsExclusionViolation(this DbUpdateException e, params string[] constraints)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation } pg
            && (constraints.Length == 0 || constraints.Contains(pg.ConstraintName, StringComparer.Ordinal));
    }

    /// <summary>
    /// Runs <paramref name="unit"/> (load → decide → save) again on fresh state when another writer changed the same rows
    /// in between (an optimistic-concurrency token) or PostgreSQL aborted it to break a deadlock (40P01); after three tries
    /// the answer is <paramref name="stillChanging"/>. The unit must read what it decides on inside itself, so a re-run decides afresh.
    /// </summary>
    public static async Task<T> RetryConcurrentChangeAsync<T>(
        this DbContext db, Func<CancellationToken, Task<T>> unit, Func<T> stillChanging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(stillChanging);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await unit(ct);
            }
            catch (Exception e) when (IsConcurrentChange(e))
            {
                db.ChangeTracker.Clear();
                if (attempt == Attempts) { return stillChanging(); }
            }
        }
    }

    /// <summary>
    /// A row-version conflict, or a deadlock: Npgsql's EF provider reports 40P01 as transient, so it arrives either as
    /// DbUpdateException → PostgresException or wrapped once more in InvalidOperationException("…transient failure").
    /// </summary>
    private static bool IsConcurrentChange(Exception e) => e switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected } } => true,
        InvalidOperationException { InnerException: { } inner } => IsConcurrentChange(inner),
        _ => false,
    };
}
