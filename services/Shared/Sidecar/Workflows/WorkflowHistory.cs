using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Builds history events the way the sidecar records them (payloads as JSON text, eventId −1 for events that no action
/// caused), for scripted-history tests and <see cref="WorkflowTestHarness"/>.
/// </summary>
public static class WorkflowHistory
{
    public static HistoryEvent OrchestratorStarted(DateTime at) => Event(-1, at, e => e.OrchestratorStarted = new OrchestratorStartedEvent());

    public static HistoryEvent ExecutionStarted(string workflowName, object? input, string instanceId, DateTime at) =>
        Event(-1, at, e =>
        {
            e.ExecutionStarted = new ExecutionStartedEvent { Name = workflowName, OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId } };
            if (WorkflowJson.Serialize(input) is { } json) { e.ExecutionStarted.Input = json; }
        });

    public static HistoryEvent TaskScheduled(int id, string name, DateTime at) => Event(id, at, e => e.TaskScheduled = new TaskScheduledEvent { Name = name });

    public static HistoryEvent TaskCompleted(int taskScheduledId, object? result, DateTime at) =>
        Event(-1, at, e =>
        {
            e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = taskScheduledId };
            if (WorkflowJson.Serialize(result) is { } json) { e.TaskCompleted.Result = json; }
        });

    public static HistoryEvent TaskFailed(int taskScheduledId, TaskFailureDetails failure, DateTime at) =>
        Event(-1, at, e => e.TaskFailed = new TaskFailedEvent { TaskScheduledId = taskScheduledId, FailureDetails = failure });

    public static HistoryEvent TimerCreated(int id, DateTime fireAt, DateTime at) =>
        Event(id, at, e => e.TimerCreated = new TimerCreatedEvent { FireAt = Timestamp.FromDateTime(Utc(fireAt)) });

    public static HistoryEvent TimerFired(int timerId, DateTime fireAt) =>
        Event(-1, fireAt, e => e.TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = Timestamp.FromDateTime(Utc(fireAt)) });

    public static HistoryEvent ChildWorkflowCreated(int id, string name, string instanceId, DateTime at) =>
        Event(id, at, e => e.SubOrchestrationInstanceCreated = new SubOrchestrationInstanceCreatedEvent { Name = name, InstanceId = instanceId });

    public static HistoryEvent ChildWorkflowCompleted(int taskScheduledId, object? result, DateTime at) =>
        Event(-1, at, e =>
        {
            e.SubOrchestrationInstanceCompleted = new SubOrchestrationInstanceCompletedEvent { TaskScheduledId = taskScheduledId };
            if (WorkflowJson.Serialize(result) is { } json) { e.SubOrchestrationInstanceCompleted.Result = json; }
        });

    public static HistoryEvent ChildWorkflowFailed(int taskScheduledId, TaskFailureDetails failure, DateTime at) =>
        Event(-1, at, e => e.SubOrchestrationInstanceFailed = new SubOrchestrationInstanceFailedEvent { TaskScheduledId = taskScheduledId, FailureDetails = failure });

    public static HistoryEvent EventSent(int id, string instanceId, string name, DateTime at) =>
        Event(id, at, e => e.EventSent = new EventSentEvent { InstanceId = instanceId, Name = name });

    public static HistoryEvent EventRaised(string name, object? payload, DateTime at) =>
        Event(-1, at, e =>
        {
            e.EventRaised = new EventRaisedEvent { Name = name };
            if (WorkflowJson.Serialize(payload) is { } json) { e.EventRaised.Input = json; }
        });

    public static HistoryEvent ExecutionTerminated(object? output, DateTime at) =>
        Event(-1, at, e =>
        {
            e.ExecutionTerminated = new ExecutionTerminatedEvent { Recurse = true };
            if (WorkflowJson.Serialize(output) is { } json) { e.ExecutionTerminated.Input = json; }
        });

    public static HistoryEvent ExecutionSuspended(DateTime at) => Event(-1, at, e => e.ExecutionSuspended = new ExecutionSuspendedEvent());

    public static HistoryEvent ExecutionResumed(DateTime at) => Event(-1, at, e => e.ExecutionResumed = new ExecutionResumedEvent());

    public static TaskFailureDetails Failure(string errorType, string errorMessage, bool isNonRetriable = false) =>
        new() { ErrorType = errorType, ErrorMessage = errorMessage, IsNonRetriable = isNonRetriable };

    /// <summary>What the sidecar appends to the history for an action (eventId = the action's id); null for the completion action.</summary>
    public static HistoryEvent? RecordedFor(OrchestratorAction action, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(action);
        HistoryEvent? recorded = action.OrchestratorActionTypeCase switch
        {
            OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => Event(action.Id, at, e => e.TaskScheduled = new TaskScheduledEvent
            {
                Name = action.ScheduleTask.Name,
                Input = action.ScheduleTask.Input,
            }),
            OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer => Event(action.Id, at, e => e.TimerCreated = new TimerCreatedEvent { FireAt = action.CreateTimer.FireAt }),
            OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration => Event(action.Id, at, e => e.SubOrchestrationInstanceCreated = new SubOrchestrationInstanceCreatedEvent
            {
                Name = action.CreateSubOrchestration.Name,
                InstanceId = action.CreateSubOrchestration.InstanceId,
                Input = action.CreateSubOrchestration.Input,
            }),
            OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent => Event(action.Id, at, e => e.EventSent = new EventSentEvent
            {
                InstanceId = action.SendEvent.Instance?.InstanceId ?? "",
                Name = action.SendEvent.Name,
                Input = action.SendEvent.Data,
            }),
            _ => null,
        };
        return recorded;
    }

    private static HistoryEvent Event(int id, DateTime at, Action<HistoryEvent> fill)
    {
        var historyEvent = new HistoryEvent { EventId = id, Timestamp = Timestamp.FromDateTime(Utc(at)) };
        fill(historyEvent);
        return historyEvent;
    }

    // An unspecified kind is taken as UTC, like the workflow's own CurrentUtcDateTime.
    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
