using DaprPlatform.Grpc.TaskHub;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Runs a workflow turn by turn against a scripted history, with no sidecar: the test supplies what happened
/// (an activity completed, a timer fired, an event arrived), the harness plays the sidecar's part — a fresh
/// orchestratorStarted per turn, and each returned action recorded in the history under its id — and hands back
/// the turn's actions and status. The history it builds can be replayed from scratch to check determinism.
/// </summary>
public sealed class WorkflowTestHarness
{
    private readonly Func<IWorkflow> _createWorkflow;
    private readonly WorkflowOrchestrationExecutor _executor;
    private readonly List<HistoryEvent> _history = [];
    private readonly Dictionary<int, DateTime> _timers = [];

    public WorkflowTestHarness(IWorkflow workflow, string? workflowName = null, string instanceId = "test-instance", DateTime? startTime = null, ILoggerFactory? loggerFactory = null)
        : this(() => workflow, workflowName ?? workflow?.GetType().Name, instanceId, startTime, loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(workflow);
    }

    /// <param name="createWorkflow">A fresh workflow object per turn, as the worker resolves one from DI per turn.</param>
    public WorkflowTestHarness(Func<IWorkflow> createWorkflow, string? workflowName, string instanceId = "test-instance", DateTime? startTime = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(createWorkflow);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        _createWorkflow = createWorkflow;
        _executor = new WorkflowOrchestrationExecutor(loggerFactory);
        WorkflowName = workflowName;
        InstanceId = instanceId;
        Now = DateTime.SpecifyKind(startTime ?? new DateTime(2026, 1, 1, 0, 0, 0), DateTimeKind.Utc);
    }

    public string WorkflowName { get; }

    public string InstanceId { get; }

    /// <summary>The time the next turn's orchestratorStarted will carry.</summary>
    public DateTime Now { get; private set; }

    /// <summary>Everything recorded so far, as the sidecar would have stored it.</summary>
    public IReadOnlyList<HistoryEvent> History => _history;

    /// <summary>The last turn's result, once the workflow completed, failed, was terminated or continued as new.</summary>
    public WorkflowTurnResult? Completion { get; private set; }

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Now += by;
    }

    public WorkflowTurnResult Start(object? input = null) => Run(WorkflowHistory.ExecutionStarted(WorkflowName, input, InstanceId, Now));

    public WorkflowTurnResult CompleteActivity(int taskId, object? result = null) => Run(WorkflowHistory.TaskCompleted(taskId, result, Now));

    public WorkflowTurnResult FailActivity(int taskId, string errorMessage, string errorType = "System.InvalidOperationException", bool isNonRetriable = false) =>
        Run(WorkflowHistory.TaskFailed(taskId, WorkflowHistory.Failure(errorType, errorMessage, isNonRetriable), Now));

    /// <summary>Fires a timer the workflow created; the clock moves to its due time first.</summary>
    public WorkflowTurnResult FireTimer(int timerId)
    {
        if (!_timers.TryGetValue(timerId, out var fireAt))
        {
            throw new InvalidOperationException($"The workflow has not created timer #{timerId}.");
        }

        if (fireAt > Now) { Now = fireAt; }
        return Run(WorkflowHistory.TimerFired(timerId, fireAt));
    }

    public WorkflowTurnResult RaiseEvent(string eventName, object? payload = null) => Run(WorkflowHistory.EventRaised(eventName, payload, Now));

    public WorkflowTurnResult CompleteChildWorkflow(int taskId, object? result = null) => Run(WorkflowHistory.ChildWorkflowCompleted(taskId, result, Now));

    public WorkflowTurnResult FailChildWorkflow(int taskId, string errorMessage, string errorType = "System.InvalidOperationException") =>
        Run(WorkflowHistory.ChildWorkflowFailed(taskId, WorkflowHistory.Failure(errorType, errorMessage), Now));

    public WorkflowTurnResult Terminate(object? output = null) => Run(WorkflowHistory.ExecutionTerminated(output, Now));

    public WorkflowTurnResult Suspend() => Run(WorkflowHistory.ExecutionSuspended(Now));

    public WorkflowTurnResult Resume() => Run(WorkflowHistory.ExecutionResumed(Now));

    /// <summary>One turn: orchestratorStarted at <see cref="Now"/> followed by <paramref name="newEvents"/>; the history then records them and the returned actions.</summary>
    public WorkflowTurnResult Run(params HistoryEvent[] newEvents)
    {
        ArgumentNullException.ThrowIfNull(newEvents);
        if (Completion is not null)
        {
            throw new InvalidOperationException($"The workflow already ended ({Completion.Status}); start a new harness for the next run.");
        }

        var request = new OrchestratorRequest { InstanceId = InstanceId };
        request.PastEvents.AddRange(_history);
        request.NewEvents.Add(WorkflowHistory.OrchestratorStarted(Now));
        request.NewEvents.AddRange(newEvents);
        var response = _executor.Execute(request, name => string.Equals(name, WorkflowName, StringComparison.Ordinal) ? _createWorkflow() : null);

        _history.AddRange(request.NewEvents);
        foreach (var action in response.Actions)
        {
            if (WorkflowHistory.RecordedFor(action, Now) is { } recorded) { _history.Add(recorded); }
            if (action.CreateTimer is { } timer) { _timers[action.Id] = timer.FireAt.ToDateTime(); }
        }

        var result = new WorkflowTurnResult(response);
        if (result.Status != WorkflowRuntimeStatus.Running) { Completion = result; }
        return result;
    }

    /// <summary>Replays a recorded history in one turn (as a worker that just restarted would) with an optional batch of new events.</summary>
    public static WorkflowTurnResult Replay(
        IWorkflow workflow, IEnumerable<HistoryEvent> pastEvents, IEnumerable<HistoryEvent>? newEvents = null, string instanceId = "test-instance", ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(pastEvents);
        var request = new OrchestratorRequest { InstanceId = instanceId };
        request.PastEvents.AddRange(pastEvents);
        request.NewEvents.AddRange(newEvents ?? []);
        return new WorkflowTurnResult(new WorkflowOrchestrationExecutor(loggerFactory).Execute(request, _ => workflow));
    }
}

/// <summary>One orchestration turn's outcome: the actions the workflow asked for and, if it ended, how.</summary>
public sealed record WorkflowTurnResult(OrchestratorResponse Response)
{
    public IReadOnlyList<OrchestratorAction> Actions => Response.Actions;

    public CompleteOrchestrationAction? Completion => Response.Actions.LastOrDefault(a => a.CompleteOrchestration is not null)?.CompleteOrchestration;

    public WorkflowRuntimeStatus Status => Completion?.OrchestrationStatus switch
    {
        null => WorkflowRuntimeStatus.Running,
        OrchestrationStatus.Completed => WorkflowRuntimeStatus.Completed,
        OrchestrationStatus.Failed => WorkflowRuntimeStatus.Failed,
        OrchestrationStatus.Terminated => WorkflowRuntimeStatus.Terminated,
        OrchestrationStatus.ContinuedAsNew => WorkflowRuntimeStatus.ContinuedAsNew,
        _ => WorkflowRuntimeStatus.Unknown,
    };

    /// <summary>Activities scheduled in this turn, as (action id, name).</summary>
    public IReadOnlyList<(int Id, string Name)> ScheduledActivities =>
        Response.Actions.Where(a => a.ScheduleTask is not null).Select(a => (a.Id, a.ScheduleTask.Name)).ToList();

    /// <summary>Timers created in this turn, as (action id, due time).</summary>
    public IReadOnlyList<(int Id, DateTime FireAt)> Timers =>
        Response.Actions.Where(a => a.CreateTimer is not null).Select(a => (a.Id, a.CreateTimer.FireAt.ToDateTime())).ToList();

    public string? CustomStatus => Response.CustomStatus;

    public string? SerializedOutput => Completion?.Result;

    public TaskFailureDetails? FailureDetails => Completion?.FailureDetails;

    public T ReadOutputAs<T>() => WorkflowJson.Deserialize<T>(SerializedOutput);
}
