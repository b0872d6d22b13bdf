using Npgsql;
using Xunit;

namespace DaprPlatform.TestSupport;

/// <summary>
/// A fresh, uniquely named database on the test server, dropped afterwards. Tests always run against real
/// PostgreSQL: <c>./scripts/test.sh</c> starts a private cluster and exports DAPRPLATFORM_TEST_POSTGRES.
/// </summary>
public sealed class PostgresDatabase(string namePrefix = "t") : IAsyncLifetime
{
    public const string EnvironmentVariable = "DAPRPLATFORM_TEST_POSTGRES";

    public string Name { get; } = $"{namePrefix}_{Guid.NewGuid():N}".ToLowerInvariant();

    public string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = Name }.ConnectionString;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run ./scripts/test.sh, or export {EnvironmentVariable}=\"$(./scripts/dev-postgres.sh start)\".");

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", admin);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Drops every database whose name starts with <paramref name="prefix"/>: what a DevHost started with that
    /// DatabasePrefix created (its broker and state database, one per app).
    /// </summary>
    public static async Task DropAllWithPrefixAsync(string prefix, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync(ct);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix)", admin))
        {
            list.Parameters.AddWithValue("prefix", prefix);
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Runs a scalar query, e.g. a row count the bad-input tests compare before and after.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
