using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.DevHost.Actors;

/// <summary>A stored reminder. <see cref="Version"/> changes on every create/overwrite, so a fire that finishes after an overwrite does not clobber it.</summary>
internal sealed record ReminderRow(
    string ActorType,
    string ActorId,
    string Name,
    string? DataJson,
    string DueTime,
    string Period,
    string Ttl,
    DateTimeOffset NextDue,
    int? Remaining,
    DateTimeOffset? ExpiresAt,
    int Failures,
    Guid Version);

/// <summary>Reminders live in Postgres (DevHost's own database) so they survive a DevHost restart, like reminders in the Scheduler.</summary>
internal sealed class ReminderStore(NpgsqlDataSource db)
{
    private const string Columns = "actor_type, actor_id, name, data, due_time, period, ttl, next_due, remaining, expires_at, failures, version";

    public Task InitializeAsync(CancellationToken ct) => Postgres.Databases.RunDdlAsync(db, """
        CREATE TABLE IF NOT EXISTS devhost_actor_reminders (
            actor_type text NOT NULL,
            actor_id text NOT NULL,
            name text NOT NULL,
            data text NULL,
            due_time text NOT NULL,
            period text NOT NULL,
            ttl text NOT NULL,
            next_due timestamptz NOT NULL,
            remaining integer NULL,
            expires_at timestamptz NULL,
            failures integer NOT NULL DEFAULT 0,
            version uuid NOT NULL,
            PRIMARY KEY (actor_type, actor_id, name));
        CREATE INDEX IF NOT EXISTS devhost_actor_reminders_due ON devhost_actor_reminders (next_due);
        """, ct);

    /// <summary>Creates or replaces; with <paramref name="overwrite"/> false an existing reminder is kept and false is returned.</summary>
    public async Task<bool> SaveAsync(ReminderRow r, bool overwrite, CancellationToken ct)
    {
        var conflict = overwrite
            ? "ON CONFLICT (actor_type, actor_id, name) DO UPDATE SET data = excluded.data, due_time = excluded.due_time, period = excluded.period, ttl = excluded.ttl, next_due = excluded.next_due, remaining = excluded.remaining, expires_at = excluded.expires_at, failures = 0, version = excluded.version"
            : "ON CONFLICT (actor_type, actor_id, name) DO NOTHING";
        await using var cmd = db.CreateCommand($"INSERT INTO devhost_actor_reminders ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) {conflict}");
        cmd.Parameters.AddWithValue(r.ActorType);
        cmd.Parameters.AddWithValue(r.ActorId);
        cmd.Parameters.AddWithValue(r.Name);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)r.DataJson ?? DBNull.Value });
        cmd.Parameters.AddWithValue(r.DueTime);
        cmd.Parameters.AddWithValue(r.Period);
        cmd.Parameters.AddWithValue(r.Ttl);
        cmd.Parameters.AddWithValue(r.NextDue);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)r.Remaining ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)r.ExpiresAt ?? DBNull.Value });
        cmd.Parameters.AddWithValue(r.Version);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<ReminderRow?> GetAsync(string actorType, string actorId, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM devhost_actor_reminders WHERE actor_type = $1 AND actor_id = $2 AND name = $3");
        cmd.Parameters.AddWithValue(actorType);
        cmd.Parameters.AddWithValue(actorId);
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task DeleteAsync(string actorType, string actorId, string name, Guid? version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(version is null
            ? "DELETE FROM devhost_actor_reminders WHERE actor_type = $1 AND actor_id = $2 AND name = $3"
            : "DELETE FROM devhost_actor_reminders WHERE actor_type = $1 AND actor_id = $2 AND name = $3 AND version = $4");
        cmd.Parameters.AddWithValue(actorType);
        cmd.Parameters.AddWithValue(actorId);
        cmd.Parameters.AddWithValue(name);
        if (version is { } v) { cmd.Parameters.AddWithValue(v); }
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Moves a reminder that just fired (or failed) to its next due time, unless it was overwritten meanwhile.</summary>
    public async Task RescheduleAsync(ReminderRow r, DateTimeOffset nextDue, int? remaining, int failures, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE devhost_actor_reminders SET next_due = $5, remaining = $6, failures = $7
            WHERE actor_type = $1 AND actor_id = $2 AND name = $3 AND version = $4
            """);
        cmd.Parameters.AddWithValue(r.ActorType);
        cmd.Parameters.AddWithValue(r.ActorId);
        cmd.Parameters.AddWithValue(r.Name);
        cmd.Parameters.AddWithValue(r.Version);
        cmd.Parameters.AddWithValue(nextDue);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)remaining ?? DBNull.Value });
        cmd.Parameters.AddWithValue(failures);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Reminders of the given (placed) types that are due at <paramref name="now"/>, earliest first.</summary>
    public async Task<IReadOnlyList<ReminderRow>> DueAsync(IReadOnlyCollection<string> actorTypes, DateTimeOffset now, CancellationToken ct)
    {
        if (actorTypes.Count == 0) { return []; }
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM devhost_actor_reminders WHERE actor_type = ANY($1) AND next_due <= $2 ORDER BY next_due LIMIT 500");
        cmd.Parameters.AddWithValue(actorTypes.ToArray());
        cmd.Parameters.AddWithValue(now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<ReminderRow>();
        while (await reader.ReadAsync(ct)) { rows.Add(Read(reader)); }
        return rows;
    }

    private static ReminderRow Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetFieldValue<DateTimeOffset>(7),
        r.IsDBNull(8) ? null : r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        r.GetInt32(10),
        r.GetGuid(11));
}
