using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>What recording one activity result did: whether it reached its workflow's inbox, and that workflow's next turn when
/// it was read in the same transaction (at <see cref="At"/>).</summary>
internal sealed record ActivityRecord(bool Recorded, TurnState? Next, DateTimeOffset At);

/// <summary>
/// Activity results and turns are recorded in groups (<see cref="ResultGroups{TItem, TResult}"/>): those that arrive while one
/// group's transaction runs share the next one — a few round trips and one commit for the whole group instead of per result.
/// </summary>
internal sealed partial class WorkflowEngine
{
    private readonly ConcurrentDictionary<string, ResultGroups<ActivityResponse, ActivityRecord>> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ResultGroups<(OrchestrationDispatch Dispatch, WorkflowResponse Response), TurnOutcome>> _turns = new(StringComparer.Ordinal);

    private ResultGroups<ActivityResponse, ActivityRecord> Results(string appId) =>
        _results.GetOrAdd(appId, id => new ResultGroups<ActivityResponse, ActivityRecord>((group, ct) => RecordActivityResultsAsync(id, group, ct), stopping));

    private ResultGroups<(OrchestrationDispatch Dispatch, WorkflowResponse Response), TurnOutcome> Turns(string appId) =>
        _turns.GetOrAdd(appId, id => new ResultGroups<(OrchestrationDispatch, WorkflowResponse), TurnOutcome>((group, ct) => RecordTurnsAsync(id, group, ct), stopping));

    /// <summary>Applies the turns in one transaction, in instance-id order (the order activity results lock instances in).</summary>
    private async Task<IReadOnlyList<TurnOutcome>> RecordTurnsAsync(string appId, IReadOnlyList<(OrchestrationDispatch Dispatch, WorkflowResponse Response)> turns, CancellationToken ct)
    {
        var outcomes = new TurnOutcome[turns.Count];
        var order = Enumerable.Range(0, turns.Count).OrderBy(i => turns[i].Response.InstanceId, StringComparer.Ordinal).ToList();
        await InTransactionAsync(async tx =>
        {
            foreach (var i in order) { outcomes[i] = await ApplyTurnAsync(tx, appId, turns[i].Dispatch, turns[i].Response, ct); }
        }, ct);
        return outcomes;
    }

    /// <summary>
    /// Records activity results as taskCompleted / taskFailed (taskScheduledId = the taskId) in their workflows' inboxes, in one
    /// transaction: the workflows' rows are locked (in id order), the pending activities taken, the events queued, and the next turn
    /// of each workflow with no turn in flight is read before the commit. A result whose activity is no longer pending (a duplicate,
    /// or its workflow ended or continued as new) records nothing.
    /// </summary>
    private async Task<IReadOnlyList<ActivityRecord>> RecordActivityResultsAsync(string appId, IReadOnlyList<ActivityResponse> responses, CancellationToken ct)
    {
        var app = App(appId);
        var now = time.GetUtcNow();
        var recorded = new bool[responses.Count];
        var states = new Dictionary<string, TurnState>(StringComparer.Ordinal);
        await InTransactionAsync(async tx =>
        {
            var instances = await WorkflowStore.LockInstancesAsync(tx, appId, [.. responses.Select(r => r.InstanceId).Distinct(StringComparer.Ordinal)], ct);
            var taken = await WorkflowStore.TakeActivitiesAsync(tx, appId, responses.Select(r => (r.InstanceId, r.TaskId)).ToList(), ct);
            for (var i = 0; i < responses.Count; i++)
            {
                var response = responses[i];
                if (!taken.Remove((response.InstanceId, response.TaskId), out var activity)) { continue; }
                if (!instances.TryGetValue(response.InstanceId, out var instance) || instance.IsCompleted || instance.ExecutionId != activity.ExecutionId) { continue; }
                var executionId = activity.Request.TaskExecutionId;
                var e = response.FailureDetails is { } failure
                    ? NewEvent(now, h => h.TaskFailed = new TaskFailedEvent { TaskScheduledId = response.TaskId, FailureDetails = failure, TaskExecutionId = executionId })
                    : NewEvent(now, h => h.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = response.TaskId, Result = response.Result, TaskExecutionId = executionId });
                WorkflowStore.Enqueue(tx, appId, response.InstanceId, e, now);
                recorded[i] = true;
            }

            // The next turns are read here (the transaction holds the rows' locks) for the workflows with no turn in flight.
            List<WorkflowInstanceRow> idle;
            lock (app.Sync)
            {
                idle = app.Workers.Count == 0 ? [] : [.. responses.Where((r, i) => recorded[i] && !app.Orchestrations.ContainsKey(r.InstanceId))
                    .Select(r => instances[r.InstanceId]).DistinctBy(r => r.InstanceId)];
            }

            foreach (var (id, state) in await WorkflowStore.TurnStatesAsync(tx, appId, idle, now, ct)) { states[id] = state; }
        }, ct);

        // Each workflow's next turn goes with its last recorded result only (its dispatch is then one send, not several).
        var records = new ActivityRecord[responses.Count];
        for (var i = responses.Count - 1; i >= 0; i--)
        {
            var next = recorded[i] && states.Remove(responses[i].InstanceId, out var state) ? state : null;
            records[i] = new ActivityRecord(recorded[i], next, now);
        }

        return records;
    }
}
