using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>What recording one activity result did: whether it reached its workflow's inbox, and that workflow's next turn when
/// it was read in the same transaction (at <see cref="At"/>).</summary>
internal sealed record ActivityRecord(bool Recorded, TurnState? Next, DateTimeOffset At);

/// <summary>
/// Activity results are recorded in groups: the results that arrive while one group's transaction runs share the next one — four
/// round trips and one commit for the whole group instead of per result. A group that fails is recorded result by result, so one
/// bad result fails alone.
/// </summary>
internal sealed partial class WorkflowEngine
{
    private const int MaxResultGroup = 64;
    private readonly ConcurrentDictionary<string, ActivityResults> _results = new(StringComparer.Ordinal);

    private ActivityResults Results(string appId) => _results.GetOrAdd(appId, id => new ActivityResults(this, id));

    private sealed class ActivityResults
    {
        private readonly Channel<(ActivityResponse Response, TaskCompletionSource<ActivityRecord> Done)> _queue =
            Channel.CreateUnbounded<(ActivityResponse, TaskCompletionSource<ActivityRecord>)>(new UnboundedChannelOptions { SingleReader = true });

        private readonly WorkflowEngine _engine;
        private readonly string _appId;

        public ActivityResults(WorkflowEngine engine, string appId)
        {
            (_engine, _appId) = (engine, appId);
            _ = Task.Run(WriteLoopAsync);
        }

        public async Task<ActivityRecord> RecordAsync(ActivityResponse response, CancellationToken ct)
        {
            var done = new TaskCompletionSource<ActivityRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite((response, done))) { throw new OperationCanceledException("DevHost is stopping."); }
            return await done.Task.WaitAsync(ct);
        }

        private async Task WriteLoopAsync()
        {
            var stopping = _engine.Stopping;
            var group = new List<(ActivityResponse Response, TaskCompletionSource<ActivityRecord> Done)>();
            try
            {
                while (await _queue.Reader.WaitToReadAsync(stopping))
                {
                    group.Clear();
                    while (group.Count < MaxResultGroup && _queue.Reader.TryRead(out var item)) { group.Add(item); }
                    try
                    {
                        var records = await _engine.RecordActivityResultsAsync(_appId, [.. group.Select(g => g.Response)], stopping);
                        for (var i = 0; i < group.Count; i++) { group[i].Done.TrySetResult(records[i]); }
                    }
                    catch (Exception ex) when (!stopping.IsCancellationRequested)
                    {
                        // One at a time, so that only the result at fault fails (its worker is told; the others are recorded).
                        foreach (var (response, done) in group)
                        {
                            try
                            {
                                done.TrySetResult((await _engine.RecordActivityResultsAsync(_appId, [response], stopping))[0]);
                            }
                            catch (Exception one)
                            {
                                done.TrySetException(group.Count == 1 ? ex : one);
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // DevHost is stopping.
            }
            finally
            {
                _queue.Writer.TryComplete();
                foreach (var (_, done) in group) { done.TrySetCanceled(stopping); }
                while (_queue.Reader.TryRead(out var left)) { left.Done.TrySetCanceled(stopping); }
            }
        }
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
