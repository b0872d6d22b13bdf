using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

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
    private readonly TaskHubSidecarService.TaskHubSidecarServiceClient _client;
    private Task _pump = Task.CompletedTask;

    private ScriptedWorker(TaskHubSidecarService.TaskHubSidecarServiceClient client) => _client = client;

    public static ScriptedWorker Connect(TaskHubSidecarService.TaskHubSidecarServiceClient client)
    {
        var worker = new ScriptedWorker(client);
        worker._pump = Task.Run(worker.PumpAsync);
        return worker;
    }

    private async Task PumpAsync()
    {
        try
        {
            using var call = _client.GetWorkItems(new GetWorkItemsRequest(), cancellationToken: _stop.Token);
            await foreach (var item in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                lock (_received) { _received.Add(item); }
                _arrived.Release();
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
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
        NextAsync(i => i.WorkflowRequest?.InstanceId == instanceId, $"a turn of '{instanceId}'");

    public Task<WorkItem> NextActivityAsync(string instanceId) =>
        NextAsync(i => i.ActivityRequest?.WorkflowInstance?.InstanceId == instanceId, $"an activity of '{instanceId}'");

    /// <summary>Whether an item for the instance has arrived and not been taken (a look, no waiting).</summary>
    public bool HasPendingItemFor(string instanceId)
    {
        lock (_received)
        {
            return _received.Any(i => i.WorkflowRequest?.InstanceId == instanceId || i.ActivityRequest?.WorkflowInstance?.InstanceId == instanceId);
        }
    }

    public Task CompleteTurnAsync(WorkItem turn, params WorkflowAction[] actions) => CompleteTurnAsync(turn, null, actions);

    public async Task CompleteTurnAsync(WorkItem turn, string? customStatus, params WorkflowAction[] actions)
    {
        var response = new WorkflowResponse { InstanceId = turn.WorkflowRequest.InstanceId, CompletionToken = turn.CompletionToken, CustomStatus = customStatus };
        response.Actions.Add(actions);
        // The deprecated name, as Dapr.Workflow 1.19's own worker still calls it (for runtimes before 1.18).
#pragma warning disable CS0612
        await _client.CompleteOrchestratorTaskAsync(response);
#pragma warning restore CS0612
    }

    public async Task CompleteActivityAsync(WorkItem activity, string? result, TaskFailureDetails? failure = null)
    {
        await _client.CompleteActivityTaskAsync(new ActivityResponse
        {
            InstanceId = activity.ActivityRequest.WorkflowInstance.InstanceId,
            TaskId = activity.ActivityRequest.TaskId,
            Result = result,
            FailureDetails = failure,
            CompletionToken = activity.CompletionToken,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (RpcException)
        {
            // The host went away first.
        }

        _stop.Dispose();
        _arrived.Dispose();
    }

    // Actions, as a worker builds them.
    public static WorkflowAction ScheduleTask(int id, string name, string? input) =>
        new() { Id = id, ScheduleTask = new ScheduleTaskAction { Name = name, Input = input } };

    public static WorkflowAction CreateTimer(int id, DateTimeOffset fireAt) =>
        new() { Id = id, CreateTimer = new CreateTimerAction { FireAt = Timestamp.FromDateTimeOffset(fireAt) } };

    public static WorkflowAction CreateChild(int id, string childId, string name, string? input) =>
        new() { Id = id, CreateChildWorkflow = new CreateChildWorkflowAction { InstanceId = childId, Name = name, Input = input } };

    public static WorkflowAction Complete(int id, string? result) =>
        new() { Id = id, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = result } };

    public static WorkflowAction Fail(int id, string errorType, string message) => new()
    {
        Id = id,
        CompleteWorkflow = new CompleteWorkflowAction
        {
            WorkflowStatus = OrchestrationStatus.Failed,
            FailureDetails = new TaskFailureDetails { ErrorType = errorType, ErrorMessage = message },
        },
    };

    public static WorkflowAction ContinueAsNew(int id, string? input, params HistoryEvent[] carryover)
    {
        var complete = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.ContinuedAsNew, Result = input };
        complete.CarryoverEvents.Add(carryover);
        return new WorkflowAction { Id = id, CompleteWorkflow = complete };
    }
}
