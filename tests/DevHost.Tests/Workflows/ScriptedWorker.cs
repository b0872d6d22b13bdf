using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// A worker written out by hand in the test: one GetWorkItems stream (an empty request, as the official SDKs send), the work
/// items it received, and raw CompleteOrchestratorTask / CompleteActivityTask calls — what any Dapr SDK puts on the wire.
/// </summary>
public sealed class ScriptedWorker : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<WorkItem> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly GrpcClient _client;
    private Task _pump = Task.CompletedTask;

    private ScriptedWorker(GrpcClient client) => _client = client;

    public static ScriptedWorker Connect(GrpcClient client)
    {
        var worker = new ScriptedWorker(client);
        worker._pump = Task.Run(worker.PumpAsync);
        return worker;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var item in _client.ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser, ct: _stop.Token))
            {
                lock (_received) { _received.Add(item); }
                _arrived.Release();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disconnected by the test.
        }
    }

    /// <summary>Takes the first received (or next arriving) work item that matches; other items stay for later calls.</summary>
    public async Task<WorkItem> NextAsync(Func<WorkItem, bool> match, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            lock (_received)
            {
                var index = _received.FindIndex(i => match(i));
                if (index >= 0)
                {
                    var item = _received[index];
                    _received.RemoveAt(index);
                    return item;
                }
            }

            if (_pump.IsCompleted) { await _pump; throw new InvalidOperationException($"The work-item stream ended before {what} arrived."); }
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No work item for {what} within {Patience}.");
            }
        }
    }

    public Task<WorkItem> NextTurnAsync(string instanceId) =>
        NextAsync(i => i.OrchestratorRequest?.InstanceId == instanceId, $"a turn of '{instanceId}'");

    public Task<WorkItem> NextActivityAsync(string instanceId) =>
        NextAsync(i => i.ActivityRequest?.OrchestrationInstance?.InstanceId == instanceId, $"an activity of '{instanceId}'");

    /// <summary>Whether an item for the instance has arrived and not been taken (a look, no waiting).</summary>
    public bool HasPendingItemFor(string instanceId)
    {
        lock (_received)
        {
            return _received.Any(i => i.OrchestratorRequest?.InstanceId == instanceId || i.ActivityRequest?.OrchestrationInstance?.InstanceId == instanceId);
        }
    }

    public Task CompleteTurnAsync(WorkItem turn, params OrchestratorAction[] actions) => CompleteTurnAsync(turn, null, actions);

    public async Task CompleteTurnAsync(WorkItem turn, string? customStatus, params OrchestratorAction[] actions)
    {
        var response = new OrchestratorResponse { InstanceId = turn.OrchestratorRequest.InstanceId, CompletionToken = turn.CompletionToken, CustomStatus = customStatus };
        response.Actions.Add(actions);
        await _client.UnaryAsync(TaskHubMethods.CompleteOrchestratorTask, response, CompleteTaskResponse.Parser);
    }

    public async Task CompleteActivityAsync(WorkItem activity, string? result, TaskFailureDetails? failure = null)
    {
        await _client.UnaryAsync(TaskHubMethods.CompleteActivityTask, new ActivityResponse
        {
            InstanceId = activity.ActivityRequest.OrchestrationInstance.InstanceId,
            TaskId = activity.ActivityRequest.TaskId,
            Result = result,
            FailureDetails = failure,
            CompletionToken = activity.CompletionToken,
        }, CompleteTaskResponse.Parser);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (GrpcCallException)
        {
            // The host went away first.
        }

        _stop.Dispose();
        _arrived.Dispose();
    }

    // Actions, as a worker builds them.
    public static OrchestratorAction ScheduleTask(int id, string name, string? input) =>
        new() { Id = id, ScheduleTask = new ScheduleTaskAction { Name = name, Input = input } };

    public static OrchestratorAction CreateTimer(int id, DateTimeOffset fireAt) =>
        new() { Id = id, CreateTimer = new CreateTimerAction { FireAt = Timestamp.FromDateTimeOffset(fireAt) } };

    public static OrchestratorAction CreateChild(int id, string childId, string name, string? input) =>
        new() { Id = id, CreateSubOrchestration = new CreateSubOrchestrationAction { InstanceId = childId, Name = name, Input = input } };

    public static OrchestratorAction Complete(int id, string? result) =>
        new() { Id = id, CompleteOrchestration = new CompleteOrchestrationAction { OrchestrationStatus = OrchestrationStatus.Completed, Result = result } };

    public static OrchestratorAction Fail(int id, string errorType, string message) => new()
    {
        Id = id,
        CompleteOrchestration = new CompleteOrchestrationAction
        {
            OrchestrationStatus = OrchestrationStatus.Failed,
            FailureDetails = new TaskFailureDetails { ErrorType = errorType, ErrorMessage = message },
        },
    };

    public static OrchestratorAction ContinueAsNew(int id, string? input, params HistoryEvent[] carryover)
    {
        var complete = new CompleteOrchestrationAction { OrchestrationStatus = OrchestrationStatus.ContinuedAsNew, Result = input };
        complete.CarryoverEvents.Add(carryover);
        return new OrchestratorAction { Id = id, CompleteOrchestration = complete };
    }
}
