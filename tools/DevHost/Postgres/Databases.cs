using Npgsql;

namespace DaprPlatform.DevHost.Postgres;

internal static class Databases
{
    public static string ConnectionStringFor(string adminConnectionString, string database)
        => new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    public static async Task EnsureExistsAsync(string adminConnectionString, string database, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        await using (var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn))
        {
            check.Parameters.AddWithValue(database);
            if (await check.ExecuteScalarAsync(ct) is not null) { return; }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another DevHost created it at the same moment: fine.
        }
    }

    /// <summary>Runs DDL once per database even when several hosts start together.</summary>
    public static async Task RunDdlAsync(NpgsqlDataSource db, string ddl, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7461536)", conn, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var cmd = new NpgsqlCommand(ddl, conn, tx))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
