using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.DevHost.State;

internal enum ETagProblem
{
    Mismatch,
    Invalid,
}

/// <summary>An ETag error as Dapr's state stores report it: mismatch → 409, malformed → 400 (transactions → 500).</summary>
internal sealed class StateETagException(ETagProblem problem, string message) : Exception(message)
{
    public ETagProblem Problem { get; } = problem;
}

/// <summary>A stored value: JSON text, or raw bytes when it was saved as binary.</summary>
internal sealed record StoredState(string? Json, byte[]? Binary, string ETag, DateTimeOffset? ExpiresAt)
{
    public byte[] Bytes => Binary ?? Encoding.UTF8.GetBytes(Json ?? "null");

    /// <summary>The ttlExpireTime metadata daprd returns with an expiring key (RFC 3339, UTC), on both transports.</summary>
    public string? TtlExpireTime => ExpiresAt?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One save: <paramref name="Binary"/> set means the value is stored as bytes (isbinary = true).</summary>
internal sealed record StateWrite(string Key, string? Json, byte[]? Binary, string? ETag, bool FirstWrite, TimeSpan? Ttl);

internal sealed record StateDelete(string Key, string? ETag, bool FirstWrite);

/// <summary>
/// A state store with the table layout of Dapr's state.postgresql v1 (key, value jsonb, isbinary,
/// insertdate, updatedate, expiredate) and its ETag: the row's xmin, an opaque uint32 version string.
/// </summary>
internal sealed class PostgresStateStore(NpgsqlDataSource db, string table)
{
    private readonly string _table = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public Task InitializeAsync(CancellationToken ct) => Postgres.Databases.RunDdlAsync(db, $"""
        CREATE TABLE IF NOT EXISTS {_table} (
            key text NOT NULL PRIMARY KEY,
            value jsonb NOT NULL,
            isbinary boolean NOT NULL,
            insertdate timestamptz NOT NULL DEFAULT now(),
            updatedate timestamptz NULL,
            expiredate timestamptz NULL);
        """, ct);

    public async Task<StoredState?> GetAsync(string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT value::text, isbinary, xmin::text, expiredate FROM {_table} WHERE key = $1 AND (expiredate IS NULL OR expiredate > now())");
        cmd.Parameters.AddWithValue(key);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) { return null; }
        var json = reader.GetString(0);
        var isBinary = reader.GetBoolean(1);
        DateTimeOffset? expires = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
        return isBinary
            ? new StoredState(null, Convert.FromBase64String(JsonSerializer.Deserialize<string>(json) ?? ""), reader.GetString(2), expires)
            : new StoredState(json, null, reader.GetString(2), expires);
    }

    public async Task SetAsync(StateWrite write, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await SetAsync(conn, null, write, ct);
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await DeleteAsync(conn, null, delete, ct);
    }

    /// <summary>Applies every operation in one database transaction; the first failure rolls all back.</summary>
    public async Task TransactAsync(IReadOnlyList<object> operations, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var op in operations)
        {
            switch (op)
            {
                case StateWrite w: await SetAsync(conn, tx, w, ct); break;
                case StateDelete d: await DeleteAsync(conn, tx, d, ct); break;
                default: throw new ArgumentException("Unknown state operation", nameof(operations));
            }
        }

        await tx.CommitAsync(ct);
    }

    private async Task SetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, StateWrite w, CancellationToken ct)
    {
        var value = w.Binary is not null ? JsonSerializer.Serialize(Convert.ToBase64String(w.Binary)) : w.Json!;
        var hasETag = !string.IsNullOrEmpty(w.ETag);
        uint etag = 0;
        if (hasETag && !uint.TryParse(w.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out etag))
        {
            throw new StateETagException(ETagProblem.Invalid, $"invalid etag value: {w.ETag}");
        }

        // Expiry is computed by the database clock so every sidecar agrees on it.
        const string expires = "CASE WHEN $4::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $4::float8) END";
        string sql;
        if (hasETag)
        {
            sql = $"UPDATE {_table} SET value = $2::jsonb, isbinary = $3, updatedate = now(), expiredate = {expires} WHERE key = $1 AND xmin::text = $5";
        }
        else if (w.FirstWrite)
        {
            // first-write without an ETag succeeds only when the key does not exist (an expired row counts as absent).
            sql = $"""
                INSERT INTO {_table} (key, value, isbinary, expiredate) VALUES ($1, $2::jsonb, $3, {expires})
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isbinary, insertdate = now(), updatedate = NULL, expiredate = excluded.expiredate
                WHERE {_table}.expiredate IS NOT NULL AND {_table}.expiredate <= now()
                """;
        }
        else
        {
            sql = $"""
                INSERT INTO {_table} (key, value, isbinary, expiredate) VALUES ($1, $2::jsonb, $3, {expires})
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isbinary, updatedate = now(), expiredate = excluded.expiredate
                """;
        }

        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(w.Key);
        cmd.Parameters.AddWithValue(value);
        cmd.Parameters.AddWithValue(w.Binary is not null);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = w.Ttl is { } ttl ? ttl.TotalSeconds : DBNull.Value });
        if (hasETag) { cmd.Parameters.AddWithValue(etag.ToString(CultureInfo.InvariantCulture)); }
        var rows = await cmd.ExecuteNonQueryAsync(ct);
        if (rows != 1)
        {
            // state.postgresql v1 (doSet): only a write with an ETag fails as an ETag mismatch; a first-write without one
            // that hit an existing key is the plain "no item was updated" (daprd: ERR_STATE_SAVE, 500 / INTERNAL).
            throw hasETag ? new StateETagException(ETagProblem.Mismatch, "etag mismatch") : new InvalidOperationException("no item was updated");
        }
    }

    private async Task DeleteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, StateDelete d, CancellationToken ct)
    {
        var hasETag = !string.IsNullOrEmpty(d.ETag);
        if (hasETag && !uint.TryParse(d.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new StateETagException(ETagProblem.Invalid, $"invalid etag value: {d.ETag}");
        }

        if (!hasETag && d.FirstWrite)
        {
            // Dapr's SQL stores require an ETag for a first-write delete.
            throw new StateETagException(ETagProblem.Invalid, "when FirstWrite is to be enforced, a value must be provided for the ETag");
        }

        await using var cmd = new NpgsqlCommand(
            hasETag ? $"DELETE FROM {_table} WHERE key = $1 AND xmin::text = $2" : $"DELETE FROM {_table} WHERE key = $1", conn, tx);
        cmd.Parameters.AddWithValue(d.Key);
        if (hasETag) { cmd.Parameters.AddWithValue(d.ETag!); }
        var rows = await cmd.ExecuteNonQueryAsync(ct);
        if (hasETag && rows != 1)
        {
            throw new StateETagException(ETagProblem.Mismatch, "etag mismatch");
        }
    }
}
