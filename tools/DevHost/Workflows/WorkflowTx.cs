using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// One transaction of the workflow engine, with as few round trips as its reads allow: BEGIN and every write wait in a batch
/// that goes out with the next read (in order, ahead of it) or with COMMIT. A turn that reads once is two round trips.
/// A failed statement fails the transaction; <see cref="RollbackAsync"/> ends it.
/// </summary>
internal sealed class WorkflowTx(NpgsqlConnection connection)
{
    private readonly List<NpgsqlBatchCommand> _pending = [new("BEGIN")];

    /// <summary>Queues a statement that returns no rows; it runs with the next read or the commit.</summary>
    public void Write(string sql, params object?[] values) => _pending.Add(Statement(sql, values));

    /// <summary>Runs the queued writes and then <paramref name="sql"/>, whose rows <paramref name="read"/> consumes.</summary>
    public async Task<T> ReadAsync<T>(string sql, object?[] values, Func<NpgsqlDataReader, Task<T>> read, CancellationToken ct)
    {
        await using var batch = Take();
        batch.BatchCommands.Add(Statement(sql, values));

        // Statements without rows (the queued writes) are passed over: the reader starts at this statement's rows.
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await read(reader);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await using var batch = Take();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends a transaction that failed or was refused (nothing it wrote stays).</summary>
    public async Task RollbackAsync()
    {
        _pending.Clear();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK"));
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private NpgsqlBatch Take()
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var statement in _pending) { batch.BatchCommands.Add(statement); }
        _pending.Clear();
        return batch;
    }

    private static NpgsqlBatchCommand Statement(string sql, object?[] values)
    {
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            if (value is NpgsqlParameter p) { statement.Parameters.Add(p); }
            else { statement.Parameters.AddWithValue(value!); }
        }

        return statement;
    }
}
