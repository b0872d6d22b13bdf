using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>One workflow instance as stored: what GetInstance reports plus the link to a parent workflow.</summary>
internal sealed record WorkflowInstanceRow(
    string InstanceId,
    string Name,
    OrchestrationStatus Status,
    string ExecutionId,
    string? Input,
    string? Output,
    string? CustomStatus,
    TaskFailureDetails? Failure,
    string? ParentInstanceId,
    int? ParentTaskId,
    DateTimeOffset? ScheduledStart,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    DateTimeOffset? CompletedAt)
{
    public bool IsCompleted => IsTerminal(Status);

    public static bool IsTerminal(OrchestrationStatus status) => status is OrchestrationStatus.Completed or OrchestrationStatus.Failed
        or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;
}

/// <summary>What one turn is made of: the instance, its inbox events visible now (arrival order) and its history.</summary>
internal sealed record TurnState(WorkflowInstanceRow? Instance, IReadOnlyList<(long Id, HistoryEvent Event)> Inbox, IReadOnlyList<HistoryEvent> History);

/// <summary>A pending activity: the request sent to a worker, kept until its result is recorded.</summary>
internal sealed record PendingActivity(string InstanceId, int TaskId, string ExecutionId, ActivityRequest Request);

/// <summary>
/// Workflow state in DevHost's Postgres database: instances, their history (HistoryEvent protobuf bytes in order),
/// each instance's inbox of new events (timers become visible at their fire time) and pending activities.
/// Everything a running workflow needs is here, so a DevHost restart resumes it.
/// </summary>
internal sealed class WorkflowStore(NpgsqlDataSource db)
{
    private const string InstanceColumns = "instance_id, name, status, execution_id, input, output, custom_status, failure, parent_instance_id, parent_task_id, scheduled_start, created_at, last_updated_at, completed_at";

    /// <summary>Connections for the engine's reads and transactions (kept open between uses, see <see cref="WorkflowConnections"/>).</summary>
    public WorkflowConnections Connections { get; } = new(db);

    public Task InitializeAsync(CancellationToken ct) => Postgres.Databases.RunDdlAsync(db, """
        CREATE TABLE IF NOT EXISTS devhost_wf_instances (
            app_id text NOT NULL,
            instance_id text NOT NULL,
            name text NOT NULL,
            status integer NOT NULL,
            execution_id text NOT NULL,
            input text NULL,
            output text NULL,
            custom_status text NULL,
            failure bytea NULL,
            parent_instance_id text NULL,
            parent_task_id integer NULL,
            scheduled_start timestamptz NULL,
            created_at timestamptz NOT NULL,
            last_updated_at timestamptz NOT NULL,
            completed_at timestamptz NULL,
            PRIMARY KEY (app_id, instance_id));
        CREATE INDEX IF NOT EXISTS devhost_wf_instances_parent ON devhost_wf_instances (app_id, parent_instance_id);
        CREATE TABLE IF NOT EXISTS devhost_wf_history (
            app_id text NOT NULL,
            instance_id text NOT NULL,
            seq integer NOT NULL,
            event bytea NOT NULL,
            PRIMARY KEY (app_id, instance_id, seq));
        CREATE TABLE IF NOT EXISTS devhost_wf_inbox (
            id bigserial PRIMARY KEY,
            app_id text NOT NULL,
            instance_id text NOT NULL,
            event bytea NOT NULL,
            event_type integer NOT NULL,
            visible_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS devhost_wf_inbox_visible ON devhost_wf_inbox (app_id, visible_at);
        CREATE INDEX IF NOT EXISTS devhost_wf_inbox_instance ON devhost_wf_inbox (app_id, instance_id, id);
        CREATE TABLE IF NOT EXISTS devhost_wf_activities (
            app_id text NOT NULL,
            instance_id text NOT NULL,
            task_id integer NOT NULL,
            execution_id text NOT NULL,
            request bytea NOT NULL,
            PRIMARY KEY (app_id, instance_id, task_id));
        """, ct);

    public Task<WorkflowInstanceRow?> GetInstanceAsync(string appId, string instanceId, CancellationToken ct) => Connections.UseAsync(async connection =>
    {
        await using var cmd = Command(connection, $"SELECT {InstanceColumns} FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = $2", appId, instanceId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadInstance(reader) : null;
    }, ct);

    /// <summary>Reads the instance and locks its row until the transaction ends: every change to one instance goes through here.</summary>
    public static Task<WorkflowInstanceRow?> LockInstanceAsync(WorkflowTx tx, string appId, string instanceId, CancellationToken ct) =>
        tx.ReadAsync($"SELECT {InstanceColumns} FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = $2 FOR UPDATE", [appId, instanceId],
            async reader => await reader.ReadAsync(ct) ? ReadInstance(reader) : null, ct);

    /// <summary><see cref="LockInstanceAsync"/> with the length of the instance's history, in one statement.</summary>
    public static Task<(WorkflowInstanceRow Row, int HistoryLength)?> LockInstanceWithHistoryLengthAsync(WorkflowTx tx, string appId, string instanceId, CancellationToken ct) =>
        tx.ReadAsync<(WorkflowInstanceRow, int)?>($"""
            SELECT {InstanceColumns}, (SELECT count(*) FROM devhost_wf_history h WHERE h.app_id = $1 AND h.instance_id = $2)::integer
            FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = $2 FOR UPDATE
            """, [appId, instanceId], async reader => await reader.ReadAsync(ct) ? (ReadInstance(reader), reader.GetInt32(14)) : null, ct);

    /// <summary>Creates the instance, or replaces a stored one with the same id (and drops that one's history and pending work).</summary>
    public static void ReplaceInstance(WorkflowTx tx, string appId, WorkflowInstanceRow row)
    {
        DeleteWork(tx, appId, row.InstanceId);
        DeleteHistory(tx, appId, row.InstanceId);
        tx.Write($"""
            INSERT INTO devhost_wf_instances (app_id, {InstanceColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (app_id, instance_id) DO UPDATE SET name = excluded.name, status = excluded.status, execution_id = excluded.execution_id,
                input = excluded.input, output = excluded.output, custom_status = excluded.custom_status, failure = excluded.failure,
                parent_instance_id = excluded.parent_instance_id, parent_task_id = excluded.parent_task_id, scheduled_start = excluded.scheduled_start,
                created_at = excluded.created_at, last_updated_at = excluded.last_updated_at, completed_at = excluded.completed_at
            """, [appId, .. InstanceValues(row)]);
    }

    public static void UpdateInstance(WorkflowTx tx, string appId, WorkflowInstanceRow row) =>
        tx.Write("""
            UPDATE devhost_wf_instances SET name = $3, status = $4, execution_id = $5, input = $6, output = $7, custom_status = $8, failure = $9,
                parent_instance_id = $10, parent_task_id = $11, scheduled_start = $12, created_at = $13, last_updated_at = $14, completed_at = $15
            WHERE app_id = $1 AND instance_id = $2
            """, [appId, .. InstanceValues(row)]);

    /// <summary>Removes the instance with its history and pending work.</summary>
    public static void DeleteInstance(WorkflowTx tx, string appId, string instanceId)
    {
        DeleteWork(tx, appId, instanceId);
        DeleteHistory(tx, appId, instanceId);
        tx.Write("DELETE FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = $2", appId, instanceId);
    }

    /// <summary>Drops the instance's inbox and pending activities (on completion, termination, continue-as-new).</summary>
    public static void DeleteWork(WorkflowTx tx, string appId, string instanceId)
    {
        tx.Write("DELETE FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = $2", appId, instanceId);
        tx.Write("DELETE FROM devhost_wf_activities WHERE app_id = $1 AND instance_id = $2", appId, instanceId);
    }

    public Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string appId, string instanceId, CancellationToken ct) => Connections.UseAsync<IReadOnlyList<HistoryEvent>>(async connection =>
    {
        await using var cmd = Command(connection, "SELECT event FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2 ORDER BY seq", appId, instanceId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var events = new List<HistoryEvent>();
        while (await reader.ReadAsync(ct)) { events.Add(HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0))); }
        return events;
    }, ct);

    public static Task<IReadOnlyList<HistoryEvent>> HistoryAsync(WorkflowTx tx, string appId, string instanceId, CancellationToken ct) =>
        tx.ReadAsync<IReadOnlyList<HistoryEvent>>("SELECT event FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2 ORDER BY seq", [appId, instanceId],
            async reader =>
            {
                var events = new List<HistoryEvent>();
                while (await reader.ReadAsync(ct)) { events.Add(HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0))); }
                return events;
            }, ct);

    public static Task<int> HistoryLengthAsync(WorkflowTx tx, string appId, string instanceId, CancellationToken ct) =>
        tx.ReadAsync("SELECT count(*)::integer FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2", [appId, instanceId],
            async reader => await reader.ReadAsync(ct) ? reader.GetInt32(0) : 0, ct);

    /// <summary>Appends the events to the instance's history (its sequence numbers continue from the stored ones).</summary>
    public static void AppendHistory(WorkflowTx tx, string appId, string instanceId, IReadOnlyList<HistoryEvent> events)
    {
        if (events.Count == 0) { return; }
        tx.Write("""
            INSERT INTO devhost_wf_history (app_id, instance_id, seq, event)
            SELECT $1, $2, coalesce((SELECT max(seq) + 1 FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2), 0) + ord - 1, e
            FROM unnest($3::bytea[]) WITH ORDINALITY AS u(e, ord)
            """, appId, instanceId, events.Select(e => e.ToByteArray()).ToArray());
    }

    public static void DeleteHistory(WorkflowTx tx, string appId, string instanceId) =>
        tx.Write("DELETE FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2", appId, instanceId);

    public static void Enqueue(WorkflowTx tx, string appId, string instanceId, HistoryEvent e, DateTimeOffset visibleAt) =>
        tx.Write("INSERT INTO devhost_wf_inbox (app_id, instance_id, event, event_type, visible_at) VALUES ($1, $2, $3, $4, $5)",
            appId, instanceId, e.ToByteArray(), (int)e.EventTypeCase, visibleAt);

    /// <summary>The instance's whole inbox in arrival order, visible or not (continue-as-new carries it over).</summary>
    public static Task<IReadOnlyList<(long Id, HistoryEvent Event, DateTimeOffset VisibleAt)>> InboxAsync(WorkflowTx tx, string appId, string instanceId, CancellationToken ct) =>
        tx.ReadAsync<IReadOnlyList<(long, HistoryEvent, DateTimeOffset)>>("SELECT id, event, visible_at FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = $2 ORDER BY id",
            [appId, instanceId], async reader =>
            {
                var rows = new List<(long, HistoryEvent, DateTimeOffset)>();
                while (await reader.ReadAsync(ct))
                {
                    rows.Add((reader.GetInt64(0), HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)), reader.GetFieldValue<DateTimeOffset>(2)));
                }

                return rows;
            }, ct);

    /// <summary>Deletes the given inbox rows of the instance.</summary>
    public static void DeleteInbox(WorkflowTx tx, string appId, string instanceId, IReadOnlyCollection<long> ids)
    {
        if (ids.Count > 0) { tx.Write("DELETE FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = $2 AND id = ANY($3)", appId, instanceId, ids.ToArray()); }
    }

    /// <summary>
    /// Instances that can take a turn now — running or not yet started with at least one visible inbox event, or suspended with a
    /// termination waiting (a suspended workflow can still be terminated) — and when the next not-yet-visible inbox event (a
    /// durable timer, a scheduled start) becomes visible; one round trip.
    /// </summary>
    public Task<(IReadOnlyList<string> Ready, DateTimeOffset? NextVisible)> ReadyInstancesAsync(string appId, DateTimeOffset now, CancellationToken ct)
        => Connections.UseAsync<(IReadOnlyList<string>, DateTimeOffset?)>(async connection =>
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand("""
            SELECT i.instance_id FROM devhost_wf_inbox i
            JOIN devhost_wf_instances s ON s.app_id = i.app_id AND s.instance_id = i.instance_id
            WHERE i.app_id = $1 AND i.visible_at <= $2
                AND (s.status = ANY($3) OR (s.status = $4 AND i.event_type = $5))
            GROUP BY i.instance_id ORDER BY min(i.id) LIMIT 1000
            """, appId, now, new[] { (int)OrchestrationStatus.Running, (int)OrchestrationStatus.Pending }, (int)OrchestrationStatus.Suspended,
            (int)HistoryEvent.EventTypeOneofCase.ExecutionTerminated));
        batch.BatchCommands.Add(BatchCommand("SELECT min(visible_at) FROM devhost_wf_inbox WHERE app_id = $1 AND visible_at > $2", appId, now));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct)) { ids.Add(reader.GetString(0)); }
        await reader.NextResultAsync(ct);
        DateTimeOffset? next = await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
        return (ids, next);
    }, ct);

    /// <summary>What a turn is made of — the instance, its inbox events visible at <paramref name="now"/> (arrival order) and its history — in one round trip.</summary>
    public Task<TurnState> TurnStateAsync(string appId, string instanceId, DateTimeOffset now, CancellationToken ct)
        => Connections.UseAsync(async connection =>
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand($"SELECT {InstanceColumns} FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = $2", appId, instanceId));
        batch.BatchCommands.Add(BatchCommand("SELECT id, event FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = $2 AND visible_at <= $3 ORDER BY id", appId, instanceId, now));
        batch.BatchCommands.Add(BatchCommand("SELECT event FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2 ORDER BY seq", appId, instanceId));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var instance = await reader.ReadAsync(ct) ? ReadInstance(reader) : null;
        await reader.NextResultAsync(ct);
        var inbox = new List<(long, HistoryEvent)>();
        while (await reader.ReadAsync(ct)) { inbox.Add((reader.GetInt64(0), HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)))); }
        await reader.NextResultAsync(ct);
        var history = new List<HistoryEvent>();
        while (await reader.ReadAsync(ct)) { history.Add(HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0))); }
        return new TurnState(instance, inbox, history);
    }, ct);

    /// <summary>Locks the instances' rows (in id order, so that two transactions cannot wait for each other) and returns them by id.</summary>
    public static Task<Dictionary<string, WorkflowInstanceRow>> LockInstancesAsync(WorkflowTx tx, string appId, string[] instanceIds, CancellationToken ct) =>
        tx.ReadAsync($"SELECT {InstanceColumns} FROM devhost_wf_instances WHERE app_id = $1 AND instance_id = ANY($2) ORDER BY instance_id FOR UPDATE",
            [appId, instanceIds], async reader =>
            {
                var rows = new Dictionary<string, WorkflowInstanceRow>(StringComparer.Ordinal);
                while (await reader.ReadAsync(ct))
                {
                    var row = ReadInstance(reader);
                    rows[row.InstanceId] = row;
                }

                return rows;
            }, ct);

    /// <summary>Removes the pending activities and returns those that were still pending.</summary>
    public static Task<Dictionary<(string InstanceId, int TaskId), PendingActivity>> TakeActivitiesAsync(
        WorkflowTx tx, string appId, IReadOnlyList<(string InstanceId, int TaskId)> keys, CancellationToken ct) =>
        tx.ReadAsync("""
            DELETE FROM devhost_wf_activities a USING unnest($2::text[], $3::integer[]) AS k(instance_id, task_id)
            WHERE a.app_id = $1 AND a.instance_id = k.instance_id AND a.task_id = k.task_id
            RETURNING a.instance_id, a.task_id, a.execution_id, a.request
            """, [appId, keys.Select(k => k.InstanceId).ToArray(), keys.Select(k => k.TaskId).ToArray()], async reader =>
            {
                var taken = new Dictionary<(string, int), PendingActivity>();
                while (await reader.ReadAsync(ct))
                {
                    var activity = new PendingActivity(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), ActivityRequest.Parser.ParseFrom(reader.GetFieldValue<byte[]>(3)));
                    taken[(activity.InstanceId, activity.TaskId)] = activity;
                }

                return taken;
            }, ct);

    /// <summary><see cref="TurnStateAsync(WorkflowTx, string, WorkflowInstanceRow, DateTimeOffset, CancellationToken)"/> for several locked instances at once.</summary>
    public static async Task<Dictionary<string, TurnState>> TurnStatesAsync(WorkflowTx tx, string appId, IReadOnlyList<WorkflowInstanceRow> instances, DateTimeOffset now, CancellationToken ct)
    {
        var states = new Dictionary<string, TurnState>(StringComparer.Ordinal);
        if (instances.Count == 0) { return states; }
        var parts = instances.ToDictionary(i => i.InstanceId, _ => (Inbox: new List<(long, HistoryEvent)>(), History: new List<HistoryEvent>()), StringComparer.Ordinal);
        await tx.ReadAsync("""
            SELECT 0, instance_id, id, event FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = ANY($2) AND visible_at <= $3
            UNION ALL SELECT 1, instance_id, seq::bigint, event FROM devhost_wf_history WHERE app_id = $1 AND instance_id = ANY($2)
            ORDER BY 2, 1, 3
            """, [appId, instances.Select(i => i.InstanceId).ToArray(), now], async reader =>
            {
                while (await reader.ReadAsync(ct))
                {
                    var (inbox, history) = parts[reader.GetString(1)];
                    var e = HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(3));
                    if (reader.GetInt32(0) == 0) { inbox.Add((reader.GetInt64(2), e)); }
                    else { history.Add(e); }
                }

                return true;
            }, ct);
        foreach (var instance in instances) { states[instance.InstanceId] = new TurnState(instance, parts[instance.InstanceId].Inbox, parts[instance.InstanceId].History); }
        return states;
    }

    /// <summary>
    /// <see cref="TurnStateAsync"/> inside a transaction that holds <paramref name="instance"/>'s row lock (and has written to its
    /// inbox): what the instance's next turn is made of once the transaction commits.
    /// </summary>
    public static Task<TurnState> TurnStateAsync(WorkflowTx tx, string appId, WorkflowInstanceRow instance, DateTimeOffset now, CancellationToken ct) =>
        tx.ReadAsync("""
            SELECT 0, id, event FROM devhost_wf_inbox WHERE app_id = $1 AND instance_id = $2 AND visible_at <= $3
            UNION ALL SELECT 1, seq::bigint, event FROM devhost_wf_history WHERE app_id = $1 AND instance_id = $2
            ORDER BY 1, 2
            """, [appId, instance.InstanceId, now], async reader =>
            {
                var inbox = new List<(long, HistoryEvent)>();
                var history = new List<HistoryEvent>();
                while (await reader.ReadAsync(ct))
                {
                    var e = HistoryEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(2));
                    if (reader.GetInt32(0) == 0) { inbox.Add((reader.GetInt64(1), e)); }
                    else { history.Add(e); }
                }

                return new TurnState(instance, inbox, history);
            }, ct);

    private static NpgsqlBatchCommand BatchCommand(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) { command.Parameters.AddWithValue(value); }
        return command;
    }

    /// <summary>Stores a turn's scheduled activities in one statement.</summary>
    public static void InsertActivities(WorkflowTx tx, string appId, IReadOnlyList<PendingActivity> activities)
    {
        if (activities.Count == 0) { return; }
        tx.Write("""
            INSERT INTO devhost_wf_activities (app_id, instance_id, task_id, execution_id, request)
            SELECT $1, u.instance_id, u.task_id, u.execution_id, u.request FROM unnest($2::text[], $3::integer[], $4::text[], $5::bytea[]) AS u(instance_id, task_id, execution_id, request)
            ON CONFLICT (app_id, instance_id, task_id) DO UPDATE SET execution_id = excluded.execution_id, request = excluded.request
            """, appId, activities.Select(a => a.InstanceId).ToArray(), activities.Select(a => a.TaskId).ToArray(),
            activities.Select(a => a.ExecutionId).ToArray(), activities.Select(a => a.Request.ToByteArray()).ToArray());
    }

    /// <summary>The app's pending activities (dispatched or not), up to 1000.</summary>
    public Task<IReadOnlyList<PendingActivity>> PendingActivitiesAsync(string appId, CancellationToken ct) => Connections.UseAsync<IReadOnlyList<PendingActivity>>(async connection =>
    {
        await using var cmd = Command(connection, "SELECT instance_id, task_id, execution_id, request FROM devhost_wf_activities WHERE app_id = $1 ORDER BY instance_id, task_id LIMIT 1000", appId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<PendingActivity>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new PendingActivity(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), ActivityRequest.Parser.ParseFrom(reader.GetFieldValue<byte[]>(3))));
        }

        return rows;
    }, ct);

    /// <summary>
    /// One page of the app's instance ids in id order, after <paramref name="after"/> (the previous page's last id); null
    /// <paramref name="pageSize"/> = all the rest. The next page's token is the page's last id, given only while more ids follow.
    /// </summary>
    public Task<(IReadOnlyList<string> Ids, string? Next)> InstanceIdsAsync(string appId, string? after, uint? pageSize, CancellationToken ct)
        => Connections.UseAsync<(IReadOnlyList<string>, string?)>(async connection =>
    {
        await using var cmd = Command(connection, """
            SELECT instance_id FROM devhost_wf_instances WHERE app_id = $1 AND ($2::text IS NULL OR instance_id > $2)
            ORDER BY instance_id LIMIT $3
            """, appId, Nullable(after, NpgsqlDbType.Text), Nullable(pageSize is { } size ? (long)size + 1 : null, NpgsqlDbType.Bigint));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct)) { ids.Add(reader.GetString(0)); }
        if (pageSize is not { } limit || ids.Count <= limit) { return (ids, null); }
        ids.RemoveAt(ids.Count - 1);
        return (ids, ids[^1]);
    }, ct);

    /// <summary>Child workflows of <paramref name="parentInstanceId"/>, in any status.</summary>
    public static Task<IReadOnlyList<(string InstanceId, OrchestrationStatus Status)>> ChildrenAsync(WorkflowTx tx, string appId, string parentInstanceId, CancellationToken ct) =>
        tx.ReadAsync<IReadOnlyList<(string, OrchestrationStatus)>>("SELECT instance_id, status FROM devhost_wf_instances WHERE app_id = $1 AND parent_instance_id = $2 ORDER BY instance_id",
            [appId, parentInstanceId], async reader =>
            {
                var rows = new List<(string, OrchestrationStatus)>();
                while (await reader.ReadAsync(ct)) { rows.Add((reader.GetString(0), (OrchestrationStatus)reader.GetInt32(1))); }
                return rows;
            }, ct);

    private static object?[] InstanceValues(WorkflowInstanceRow r) =>
    [
        r.InstanceId, r.Name, (int)r.Status, r.ExecutionId,
        Nullable(r.Input, NpgsqlDbType.Text), Nullable(r.Output, NpgsqlDbType.Text), Nullable(r.CustomStatus, NpgsqlDbType.Text),
        Nullable(r.Failure?.ToByteArray(), NpgsqlDbType.Bytea),
        Nullable(r.ParentInstanceId, NpgsqlDbType.Text), Nullable(r.ParentTaskId, NpgsqlDbType.Integer),
        Nullable(r.ScheduledStart, NpgsqlDbType.TimestampTz), r.CreatedAt, r.LastUpdatedAt, Nullable(r.CompletedAt, NpgsqlDbType.TimestampTz),
    ];

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            if (value is NpgsqlParameter p) { cmd.Parameters.Add(p); }
            else { cmd.Parameters.AddWithValue(value!); }
        }

        return cmd;
    }

    private static WorkflowInstanceRow ReadInstance(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        (OrchestrationStatus)r.GetInt32(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : TaskFailureDetails.Parser.ParseFrom(r.GetFieldValue<byte[]>(7)),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : r.GetInt32(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        r.GetFieldValue<DateTimeOffset>(11),
        r.GetFieldValue<DateTimeOffset>(12),
        r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13));
}
