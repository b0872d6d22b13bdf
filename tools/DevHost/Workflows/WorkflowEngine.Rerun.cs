using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// RerunWorkflowFromEvent as daprd serves it (pkg/actors/targets/workflow/orchestrator/rerun.go and …/fork/fork.go): a finished
/// top-level workflow is forked into a new instance whose history is the source's up to the chosen event — an activity, a timer
/// or a child workflow — which runs again, together with whatever was still unfinished at that point.
/// </summary>
internal sealed partial class WorkflowEngine
{
    public async Task<string> RerunAsync(string appId, RerunWorkflowFromEventRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.SourceInstanceID)) { throw Rerun("rerun workflow source instance ID is required"); }
        var newId = request.HasNewInstanceID ? request.NewInstanceID : Guid.NewGuid().ToString();
        if (newId == request.SourceInstanceID) { throw Rerun("rerun workflow instance ID must be different from the original instance ID"); }

        await InTransactionAsync(async tx =>
        {
            var source = await WorkflowStore.LockInstanceAsync(tx, appId, request.SourceInstanceID, ct)
                ?? throw new WorkflowOperationException(WorkflowErrorKind.NotFound, $"workflow instance does not exist with ID '{request.SourceInstanceID}'");
            if (!source.IsCompleted) { throw Rerun($"'{source.InstanceId}' is not in a terminal state"); }
            if (source.ParentInstanceId is not null) { throw Rerun($"'{source.InstanceId}': cannot rerun from child-workflows"); }

            var (history, rerun) = Fork(await WorkflowStore.HistoryAsync(tx, appId, source.InstanceId, ct), request, newId);
            if (await WorkflowStore.LockInstanceAsync(tx, appId, newId, ct) is not null)
            {
                throw new WorkflowOperationException(WorkflowErrorKind.AlreadyExists, $"workflow '{newId}' has already been created");
            }

            await StartForkAsync(tx, appId, source, newId, history, rerun, ct);
        }, ct);

        // Its re-run activities are stored, not yet dispatched: the next round reads them.
        lock (App(appId).Sync) { App(appId).ActivityScanNeeded = true; }
        Changed(appId, newId);
        return newId;
    }

    /// <summary>
    /// The new history: every event before the target, except activities, timers and child workflows not finished by then, which
    /// are moved (in id order) behind it with the target last; they all run again.
    /// </summary>
    private static (List<HistoryEvent> History, List<HistoryEvent> Rerun) Fork(IReadOnlyList<HistoryEvent> source, RerunWorkflowFromEventRequest request, string newId)
    {
        var history = new List<HistoryEvent>();
        var unfinished = new SortedDictionary<int, HistoryEvent>();
        var targetId = (int)request.EventID;
        foreach (var stored in source)
        {
            var e = stored.Clone();
            if (e.EventId == targetId)
            {
                Retarget(e, request, newId);
                var rerun = unfinished.Values.ToList();
                foreach (var child in rerun.Where(r => r.EventTypeCase == HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated))
                {
                    child.ChildWorkflowInstanceCreated.InstanceId = $"{newId}:{child.EventId:x4}";
                }

                rerun.Add(e);
                return (history, rerun);
            }

            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.TaskScheduled or HistoryEvent.EventTypeOneofCase.TimerCreated
                    or HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                    unfinished[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskCompleted or HistoryEvent.EventTypeOneofCase.TaskFailed
                    or HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted or HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed:
                    if (unfinished.Remove(ScheduledId(e), out var scheduled)) { history.Add(scheduled); }
                    history.Add(e);
                    break;
                default:
                    history.Add(e);
                    break;
            }
        }

        throw new WorkflowOperationException(WorkflowErrorKind.NotFound, $"does not have history event with ID '{targetId}'");
    }

    private static int ScheduledId(HistoryEvent e) => e.EventTypeCase switch
    {
        HistoryEvent.EventTypeOneofCase.TaskCompleted => e.TaskCompleted.TaskScheduledId,
        HistoryEvent.EventTypeOneofCase.TaskFailed => e.TaskFailed.TaskScheduledId,
        HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted => e.ChildWorkflowInstanceCompleted.TaskScheduledId,
        _ => e.ChildWorkflowInstanceFailed.TaskScheduledId,
    };

    /// <summary>Marks the target event as rerun from the source, with the new input or child id when asked for (and allowed).</summary>
    private static void Retarget(HistoryEvent e, RerunWorkflowFromEventRequest request, string newId)
    {
        var from = new RerunParentInstanceInfo { InstanceID = request.SourceInstanceID };
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                if (request.HasNewChildWorkflowInstanceID) { throw Rerun($"cannot set new child workflow instance ID on activity event '{e.EventId}'"); }
                e.TaskScheduled.RerunParentInstanceInfo = from;
                if (request.OverwriteInput) { e.TaskScheduled.Input = request.Input; }
                break;
            case HistoryEvent.EventTypeOneofCase.TimerCreated:
                if (request.OverwriteInput) { throw Rerun($"cannot write input to timer event '{e.EventId}'"); }
                if (request.HasNewChildWorkflowInstanceID) { throw Rerun($"cannot set new child workflow instance ID on timer event '{e.EventId}'"); }
                e.TimerCreated.RerunParentInstanceInfo = from;
                break;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                e.ChildWorkflowInstanceCreated.RerunParentInstanceInfo = from;
                e.ChildWorkflowInstanceCreated.InstanceId = request.HasNewChildWorkflowInstanceID ? request.NewChildWorkflowInstanceID : $"{newId}:{e.EventId:x4}";
                if (request.OverwriteInput) { e.ChildWorkflowInstanceCreated.Input = request.Input; }
                break;
            default:
                throw new WorkflowOperationException(WorkflowErrorKind.NotFound, $"target event '{e.EventTypeCase}' with ID '{e.EventId}' is not an event that can be rerun");
        }
    }

    /// <summary>The new instance runs at once: its re-run activities are pending, its timers fire now and its children start.</summary>
    private async Task StartForkAsync(WorkflowTx tx, string appId, WorkflowInstanceRow source, string newId, List<HistoryEvent> history,
        List<HistoryEvent> rerun, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var started = history.Select(e => e.ExecutionStarted).FirstOrDefault(s => s is not null);
        var executionId = started?.WorkflowInstance?.ExecutionId ?? Guid.NewGuid().ToString("N");
        var row = new WorkflowInstanceRow(newId, source.Name, OrchestrationStatus.Running, executionId, started?.Input ?? source.Input, null, null, null,
            null, null, null, now, now, null);
        WorkflowStore.ReplaceInstance(tx, appId, row);
        foreach (var e in rerun) { e.Timestamp = Timestamp.FromDateTimeOffset(now); }
        WorkflowStore.AppendHistory(tx, appId, newId, [.. history, .. rerun]);
        foreach (var e in rerun)
        {
            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    var task = e.TaskScheduled;
                    WorkflowStore.InsertActivities(tx, appId, [new PendingActivity(newId, e.EventId, executionId, new ActivityRequest
                    {
                        Name = task.Name,
                        Version = task.Version,
                        Input = task.Input,
                        WorkflowInstance = new WorkflowInstance { InstanceId = newId, ExecutionId = executionId },
                        TaskId = e.EventId,
                        TaskExecutionId = task.TaskExecutionId,
                    })]);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated:
                    var timerId = e.EventId;
                    var fireAt = e.TimerCreated.FireAt;
                    WorkflowStore.Enqueue(tx, appId, newId, NewEvent(now, f => f.TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = fireAt }), now);
                    break;
                default:
                    var child = e.ChildWorkflowInstanceCreated;
                    await StartChildAsync(tx, appId, row, e.EventId, child.InstanceId,
                        new CreateChildWorkflowAction { InstanceId = child.InstanceId, Name = child.Name, Version = child.Version, Input = child.Input }, ct);
                    break;
            }
        }
    }

    private static WorkflowOperationException Rerun(string message) => new(WorkflowErrorKind.RerunRefused, message);
}
