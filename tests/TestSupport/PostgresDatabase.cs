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

    /// <summary>The row counts of <paramref name="tables"/> now: the bad-input tests compare them before and after.</summary>
    public async Task<RowCounts> CountRowsAsync(params string[] tables)
    {
        var counts = new List<KeyValuePair<string, long>>(tables.Length);
        foreach (var table in tables)
        {
            counts.Add(KeyValuePair.Create(table, await CountAsync(table)));
        }

        return new RowCounts(counts);
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

/// <summary>Row counts of some tables at one moment; equal when every table has the same count (a rejected request writes nothing).</summary>
public sealed class RowCounts : IEquatable<RowCounts>
{
    private readonly KeyValuePair<string, long>[] _counts;

    public RowCounts(IEnumerable<KeyValuePair<string, long>> counts) => _counts = [.. counts];

    /// <summary>The row count of one of the tables.</summary>
    public long this[string table] => _counts.Single(c => c.Key == table).Value;

    public bool Equals(RowCounts? other) => other is not null && _counts.SequenceEqual(other._counts);

    public override bool Equals(object? obj) => Equals(obj as RowCounts);

    public override int GetHashCode() => _counts.Aggregate(0, (hash, c) => HashCode.Combine(hash, c.Key, c.Value));

    public override string ToString() => string.Join(", ", _counts.Select(c => $"{c.Key}: {c.Value}"));
}
