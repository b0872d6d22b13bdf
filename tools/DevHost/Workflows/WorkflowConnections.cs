using System.Collections.Concurrent;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// Open connections the workflow engine keeps between uses. A connection given back to Npgsql's pool is reset (DISCARD ALL) before
/// its next use, a transaction of its own in PostgreSQL's counts — as many again as the engine's own work. The engine keeps no
/// session state (no temporary tables, settings or prepared statements of its own), so its connections need no reset: they
/// stay open here; a connection that saw an error is closed instead of kept. At most <see cref="KeptOpen"/> are in use at once
/// (more callers wait their turn): on two cores, more concurrent transactions only add switching between PostgreSQL backends.
/// Work done with a connection must not ask for another one (it could wait for itself).
/// </summary>
internal sealed class WorkflowConnections(NpgsqlDataSource db) : IAsyncDisposable
{
    private const int KeptOpen = 16;
    private readonly ConcurrentBag<NpgsqlConnection> _idle = [];
    private readonly SemaphoreSlim _inUse = new(KeptOpen, KeptOpen);
    private int _idleCount;

    public async Task<T> UseAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await _inUse.WaitAsync(ct);
        try
        {
            return await UseOneAsync(work, ct);
        }
        finally
        {
            _inUse.Release();
        }
    }

    private async Task<T> UseOneAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        var connection = Take() ?? await db.OpenConnectionAsync(ct);
        T result;
        try
        {
            result = await work(connection);
        }
        catch (WorkflowOperationException)
        {
            // A refusal, not a broken connection (its transaction, if any, has been rolled back).
            Give(connection);
            throw;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        Give(connection);
        return result;
    }

    public Task UseAsync(Func<NpgsqlConnection, Task> work, CancellationToken ct) => UseAsync(async c => { await work(c); return true; }, ct);

    private NpgsqlConnection? Take()
    {
        while (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            if (connection.State == System.Data.ConnectionState.Open) { return connection; }
            connection.Dispose();
        }

        return null;
    }

    private void Give(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open || Interlocked.Increment(ref _idleCount) > KeptOpen)
        {
            if (connection.State == System.Data.ConnectionState.Open) { Interlocked.Decrement(ref _idleCount); }
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection)) { await connection.DisposeAsync(); }
    }
}
