using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// DevHost's workflow engine, a stand-in for the durabletask backend inside daprd: instances, history and pending work live in
/// Postgres (<see cref="WorkflowStore"/>); turns and activities go to the workers connected over GetWorkItems
/// (<see cref="WorkflowEngine.ServeWorkerAsync"/>). Each app has its own instances, as each daprd has its own.
/// </summary>
internal sealed partial class WorkflowEngine(WorkflowStore store, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, AppWorkflows> _apps = new(StringComparer.Ordinal);
    // One signal per watched instance: a WaitFor* call wakes only when its own instance changes, not on every turn or
    // activity result of the app (with many waiters, waking all of them cost two thirds of the throughput).
    // A change made by a turn carries the instance's new row, so a waiter it satisfies needs no read of its own.
    private readonly ConcurrentDictionary<(string AppId, string InstanceId), TaskCompletionSource<WorkflowInstanceRow?>> _instanceChanged = new();

    public CancellationToken Stopping => stopping;

    public Task<WorkflowInstanceRow?> GetAsync(string appId, string instanceId, CancellationToken ct) => store.GetInstanceAsync(appId, instanceId, ct);

    public Task<(IReadOnlyList<string> Ids, string? Next)> ListInstanceIdsAsync(string appId, string? after, uint? pageSize, CancellationToken ct)
        => store.InstanceIdsAsync(appId, after, pageSize, ct);

    public Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string appId, string instanceId, CancellationToken ct) => store.HistoryAsync(appId, instanceId, ct);

    /// <summary>
    /// Schedules a new instance. An id still in use by an unfinished instance is refused; a finished one is replaced,
    /// as Dapr's workflow actor does ("an active workflow with ID … already exists").
    /// </summary>
    public async Task<string> StartAsync(string appId, CreateInstanceRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Name)) { throw new WorkflowOperationException(WorkflowErrorKind.NameMissing, "workflow name is not configured"); }
        var instanceId = request.InstanceId;
        if (string.IsNullOrEmpty(instanceId)) { instanceId = Guid.NewGuid().ToString(); }
        else { WorkflowInstanceIds.Validate(instanceId); }

        var app = App(appId);
        var now = time.GetUtcNow();
        var later = request.ScheduledStartTimestamp is { } at && at.ToDateTimeOffset() > now;
        TurnState? first = null;
        await InTransactionAsync(async tx =>
        {
            if (await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct) is { IsCompleted: false })
            {
                throw new WorkflowOperationException(WorkflowErrorKind.AlreadyExists, $"an active workflow with ID '{instanceId}' already exists");
            }

            var row = CreateInstance(tx, appId, instanceId, request, parent: null);

            // A start due now gets its first turn at once (read in this transaction); a later one waits for the dispatcher's timer.
            bool idle;
            lock (app.Sync) { idle = app.Workers.Count > 0 && !app.Orchestrations.ContainsKey(instanceId); }
            if (!later && idle)
            {
                now = time.GetUtcNow();
                first = await WorkflowStore.TurnStateAsync(tx, appId, row, now, ct);
            }
        }, ct);

        Changed(appId, instanceId, wakeDispatcher: later || first is null);
        if (first is not null) { TryDispatchTurn(app, instanceId, first, now); }
        return instanceId;
    }

    public async Task RaiseEventAsync(string appId, string instanceId, string name, string? input, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name)) { throw new WorkflowOperationException(WorkflowErrorKind.EventNameMissing, "missing workflow event name"); }
        await InTransactionAsync(async tx =>
        {
            var row = await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct) ?? throw WorkflowOperationException.NotFound(instanceId);

            // A finished workflow has nobody left to wait for the event: accepted and dropped.
            if (row.IsCompleted) { return; }
            DeliverEvent(tx, appId, instanceId, name, input);
        }, ct);
        Changed(appId, instanceId);
    }

    /// <summary>
    /// Asks for the instance's termination (with <paramref name="recursive"/>, its unfinished child workflows' too, once it has ended).
    /// As in durabletask-go, the worker gets a last turn with executionTerminated and completes the workflow as TERMINATED; a workflow
    /// no worker has started yet is terminated at once. Finished instances are left as they are.
    /// </summary>
    public async Task TerminateAsync(string appId, string instanceId, string? output, bool recursive, CancellationToken ct)
    {
        await InTransactionAsync(async tx =>
        {
            if (!await TerminateInTransactionAsync(tx, appId, instanceId, output, recursive, ct)) { throw WorkflowOperationException.NotFound(instanceId); }
        }, ct);
        Changed(appId, recursive ? null : instanceId);
    }

    /// <summary>A suspended instance gets no turns; new events wait in its inbox until it is resumed.</summary>
    public async Task SuspendAsync(string appId, string instanceId, CancellationToken ct)
    {
        await InTransactionAsync(async tx =>
        {
            var row = await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct) ?? throw WorkflowOperationException.NotFound(instanceId);
            if (row.Status is not (OrchestrationStatus.Running or OrchestrationStatus.Pending)) { return; }
            WorkflowStore.UpdateInstance(tx, appId, row with { Status = OrchestrationStatus.Suspended, LastUpdatedAt = time.GetUtcNow() });
        }, ct);
        Changed(appId, instanceId);
    }

    public async Task ResumeAsync(string appId, string instanceId, CancellationToken ct)
    {
        await InTransactionAsync(async tx =>
        {
            var row = await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct) ?? throw WorkflowOperationException.NotFound(instanceId);
            if (row.Status != OrchestrationStatus.Suspended) { return; }
            var started = await WorkflowStore.HistoryLengthAsync(tx, appId, instanceId, ct) > 0;
            WorkflowStore.UpdateInstance(tx, appId, row with
            {
                Status = started ? OrchestrationStatus.Running : OrchestrationStatus.Pending,
                LastUpdatedAt = time.GetUtcNow(),
            });
        }, ct);
        Changed(appId, instanceId);
    }

    /// <summary>
    /// Deletes a finished instance's state (with <paramref name="recursive"/>, its child workflows' too). Only COMPLETED, FAILED and
    /// TERMINATED instances can be purged unless <paramref name="force"/>; returns how many instances were deleted.
    /// </summary>
    public async Task<int> PurgeAsync(string appId, string instanceId, bool recursive, bool force, CancellationToken ct)
    {
        var deleted = 0;
        await InTransactionAsync(async tx => deleted = await PurgeInTransactionAsync(tx, appId, instanceId, recursive, force, ct), ct);
        Changed(appId, recursive ? null : instanceId);
        return deleted;
    }

    /// <summary>Returns the instance once <paramref name="done"/> holds for it (or null if it does not exist); waits as long as <paramref name="ct"/> allows.</summary>
    public async Task<WorkflowInstanceRow?> WaitAsync(string appId, string instanceId, Func<WorkflowInstanceRow, bool> done, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        while (true)
        {
            var signal = _instanceChanged.GetOrAdd((appId, instanceId), _ => new TaskCompletionSource<WorkflowInstanceRow?>(TaskCreationOptions.RunContinuationsAsynchronously));
            var changed = signal.Task;
            var row = await store.GetInstanceAsync(appId, instanceId, linked.Token);
            if (row is null || done(row))
            {
                // A finished (or unknown) instance will not change again: drop its signal rather than keep it forever.
                if (row is null || row.IsCompleted) { _instanceChanged.TryRemove(KeyValuePair.Create((appId, instanceId), signal)); }
                return row;
            }

            // Changes made by this engine wake the wait at once; the periodic re-read only guards against a missed wake-up.
            // A change that brings its row and satisfies the wait ends it; any other is read again (a later change may follow it).
            if (await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(5), time, linked.Token)) == changed && changed.Result is { } after && done(after))
            {
                return after;
            }

            linked.Token.ThrowIfCancellationRequested();
        }
    }

    /// <returns>The new instance's row.</returns>
    private WorkflowInstanceRow CreateInstance(WorkflowTx tx, string appId, string instanceId, CreateInstanceRequest request, ParentInstanceInfo? parent)
    {
        var now = time.GetUtcNow();
        var executionId = string.IsNullOrEmpty(request.ExecutionId) ? Guid.NewGuid().ToString("N") : request.ExecutionId;
        var scheduledStart = request.ScheduledStartTimestamp?.ToDateTimeOffset();
        var row = new WorkflowInstanceRow(instanceId, request.Name, OrchestrationStatus.Pending, executionId, request.Input, null, null, null,
            parent?.WorkflowInstance?.InstanceId, parent?.TaskScheduledId, scheduledStart, now, now, null);
        WorkflowStore.ReplaceInstance(tx, appId, row);
        var started = new ExecutionStartedEvent
        {
            Name = request.Name,
            Version = request.Version,
            Input = request.Input,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = executionId },
            ParentInstance = parent,
            ScheduledStartTimestamp = request.ScheduledStartTimestamp,
            ParentTraceContext = request.ParentTraceContext,
        };
        started.Tags.Add(request.Tags);

        // The start event waits in the inbox until the scheduled start (or now): the first turn delivers it as a new event.
        WorkflowStore.Enqueue(tx, appId, instanceId, NewEvent(now, e => e.ExecutionStarted = started),
            scheduledStart is { } at && at > now ? at : now);
        return row;
    }

    private void DeliverEvent(WorkflowTx tx, string appId, string instanceId, string name, string? input)
    {
        var now = time.GetUtcNow();
        WorkflowStore.Enqueue(tx, appId, instanceId, NewEvent(now, e => e.EventRaised = new EventRaisedEvent { Name = name, Input = input }), now);
    }

    /// <returns>false when the instance does not exist.</returns>
    private async Task<bool> TerminateInTransactionAsync(WorkflowTx tx, string appId, string instanceId, string? output, bool recursive, CancellationToken ct)
    {
        var row = await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct);
        if (row is null) { return false; }
        if (row.IsCompleted) { return true; }
        var now = time.GetUtcNow();
        var terminated = NewEvent(now, e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive });
        if (await WorkflowStore.HistoryLengthAsync(tx, appId, instanceId, ct) > 0)
        {
            WorkflowStore.Enqueue(tx, appId, instanceId, terminated, now);
            return true;
        }

        // No turn has run: there is no workflow code to stop and no child to cascade to.
        WorkflowStore.DeleteWork(tx, appId, instanceId);
        WorkflowStore.AppendHistory(tx, appId, instanceId,
            [terminated, NewEvent(now, e => e.ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = OrchestrationStatus.Terminated, Result = output })]);
        var ended = row with { Status = OrchestrationStatus.Terminated, Output = output, LastUpdatedAt = now, CompletedAt = now };
        WorkflowStore.UpdateInstance(tx, appId, ended);
        await NotifyParentAsync(tx, appId, ended, ct);
        return true;
    }

    /// <summary>After a recursive termination has ended the parent: every unfinished child gets its own termination.</summary>
    private async Task CascadeTerminationAsync(WorkflowTx tx, string appId, string parentId, string? output, CancellationToken ct)
    {
        foreach (var (child, status) in await WorkflowStore.ChildrenAsync(tx, appId, parentId, ct))
        {
            if (!WorkflowInstanceRow.IsTerminal(status)) { await TerminateInTransactionAsync(tx, appId, child, output, recursive: true, ct); }
        }
    }

    private static async Task<int> PurgeInTransactionAsync(WorkflowTx tx, string appId, string instanceId, bool recursive, bool force, CancellationToken ct)
    {
        var row = await WorkflowStore.LockInstanceAsync(tx, appId, instanceId, ct) ?? throw WorkflowOperationException.NotFound(instanceId);
        if (!row.IsCompleted && !force)
        {
            throw new WorkflowOperationException(WorkflowErrorKind.NotCompleted,
                $"workflow '{instanceId}' is {StatusName(row.Status)}: only COMPLETED, FAILED or TERMINATED workflows can be purged");
        }

        var deleted = 1;
        if (recursive)
        {
            foreach (var (child, _) in await WorkflowStore.ChildrenAsync(tx, appId, instanceId, ct))
            {
                deleted += await PurgeInTransactionAsync(tx, appId, child, recursive: true, force, ct);
            }
        }

        WorkflowStore.DeleteInstance(tx, appId, instanceId);
        return deleted;
    }

    /// <summary>A finished child workflow reports to its parent: subWorkflowInstanceCompleted, or …Failed for any other end.</summary>
    private async Task NotifyParentAsync(WorkflowTx tx, string appId, WorkflowInstanceRow child, CancellationToken ct)
    {
        if (child.ParentInstanceId is not { } parentId || child.ParentTaskId is not { } taskId) { return; }
        var parent = await WorkflowStore.LockInstanceAsync(tx, appId, parentId, ct);
        if (parent is null || parent.IsCompleted) { return; }
        var now = time.GetUtcNow();
        var e = child.Status == OrchestrationStatus.Completed
            ? NewEvent(now, h => h.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = taskId, Result = child.Output })
            : NewEvent(now, h => h.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
            {
                TaskScheduledId = taskId,
                FailureDetails = child.Failure ?? new TaskFailureDetails
                {
                    ErrorType = child.Status == OrchestrationStatus.Terminated ? "WorkflowTerminated" : "WorkflowFailed",
                    ErrorMessage = $"child workflow '{child.InstanceId}' ended as {StatusName(child.Status)}",
                },
            });
        WorkflowStore.Enqueue(tx, appId, parentId, e, now);
    }

    private async Task InTransactionAsync(Func<WorkflowTx, Task> work, CancellationToken ct)
    {
        await store.Connections.UseAsync(async conn =>
        {
            var tx = new WorkflowTx(conn);
            try
            {
                await work(tx);
                await tx.CommitAsync(ct);
            }
            catch (WorkflowOperationException)
            {
                // A refusal: the connection is fine and goes back for reuse once the transaction is ended.
                await tx.RollbackAsync();
                throw;
            }
        }, ct);
    }

    /// <summary>
    /// Wakes the app's dispatcher and the WaitFor* calls watching <paramref name="instanceId"/>, or every watcher of the app when
    /// the change may have reached other instances too (recursive terminate and purge, null).
    /// </summary>
    /// <param name="row">The instance's row as just committed, when the caller has it.</param>
    private void Changed(string appId, string? instanceId, bool wakeDispatcher = true, WorkflowInstanceRow? row = null)
    {
        if (wakeDispatcher) { App(appId).Wake(); }
        foreach (var key in instanceId is null ? _instanceChanged.Keys.Where(k => k.AppId == appId).ToList() : [(appId, instanceId)])
        {
            if (_instanceChanged.TryRemove(key, out var signal)) { signal.TrySetResult(row); }
        }
    }

    /// <summary>Events the sidecar creates itself carry eventId −1; events made from an action carry the action's id.</summary>
    internal static HistoryEvent NewEvent(DateTimeOffset at, Action<HistoryEvent> fill, int eventId = -1)
    {
        var e = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTimeOffset(at) };
        fill(e);
        return e;
    }

    /// <summary>Status names as Dapr's HTTP API spells them (enum value without the ORCHESTRATION_STATUS_ prefix; unknown values are UNKNOWN).</summary>
    public static string StatusName(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Running => "RUNNING",
        OrchestrationStatus.Completed => "COMPLETED",
        OrchestrationStatus.ContinuedAsNew => "CONTINUED_AS_NEW",
        OrchestrationStatus.Failed => "FAILED",
        OrchestrationStatus.Canceled => "CANCELED",
        OrchestrationStatus.Terminated => "TERMINATED",
        OrchestrationStatus.Pending => "PENDING",
        OrchestrationStatus.Suspended => "SUSPENDED",
        _ => "UNKNOWN",
    };
}
