using DaprPlatform.Grpc.TaskHub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Runs one orchestration turn by history replay, with no I/O: the past events are replayed (the code takes the same
/// path it took before), the new events move it forward, and what the code asks for next becomes the response's actions.
/// </summary>
public sealed class WorkflowOrchestrationExecutor
{
    /// <summary>errorType of the failure reported when the code no longer matches its recorded history.</summary>
    public const string NonDeterminismErrorType = "NonDeterministicWorkflowException";

    /// <summary>errorType of the failure reported when no workflow of the started name is registered.</summary>
    public const string WorkflowNotRegisteredErrorType = "WorkflowNotRegisteredException";

    private readonly ILoggerFactory _loggerFactory;

    public WorkflowOrchestrationExecutor(ILoggerFactory? loggerFactory = null) => _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;

    /// <param name="request">The work item: instance id, past events (already seen) and new events.</param>
    /// <param name="resolveWorkflow">Finds the workflow by the name in executionStarted; null when there is none.</param>
    /// <returns>The response without a completion token (the caller echoes the work item's).</returns>
    public OrchestratorResponse Execute(OrchestratorRequest request, Func<string, IWorkflow?> resolveWorkflow)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resolveWorkflow);
        var turn = new Turn(request.InstanceId, resolveWorkflow, _loggerFactory);
        var events = request.PastEvents.Select(e => (Event: e, Replaying: true))
            .Concat(request.NewEvents.Select(e => (Event: e, Replaying: false)))
            .ToList();
        for (var i = 0; i < events.Count; i++)
        {
            turn.Apply(events[i].Event, events[i].Replaying);
            if (turn.IsComplete)
            {
                turn.CarryOver(events.Skip(i + 1).Select(e => e.Event));
                break;
            }
        }

        return turn.ToResponse();
    }

    /// <summary>The state of one execution: the replay context, the workflow's task and, once decided, its completion.</summary>
    private sealed class Turn(string instanceId, Func<string, IWorkflow?> resolveWorkflow, ILoggerFactory loggerFactory)
    {
        private readonly OrchestrationReplayContext _context = new(instanceId, loggerFactory);
        private readonly OrchestrationScheduler _scheduler = new();
        private readonly List<HistoryEvent> _deferredWhileSuspended = [];
        private Task<object?>? _workflowTask;
        private OrchestratorAction? _completion;
        private bool _keepPendingActions = true;
        private bool _suspended;

        public bool IsComplete => _completion is not null;

        public void Apply(HistoryEvent historyEvent, bool replaying)
        {
            _context.Replaying = replaying;
            if (_suspended && historyEvent.EventTypeCase is not (HistoryEvent.EventTypeOneofCase.ExecutionResumed or HistoryEvent.EventTypeOneofCase.ExecutionTerminated))
            {
                // A suspended instance keeps receiving events but acts on none of them until it is resumed.
                _deferredWhileSuspended.Add(historyEvent);
                return;
            }

            var error = historyEvent.EventTypeCase switch
            {
                HistoryEvent.EventTypeOneofCase.OrchestratorStarted => SetTime(historyEvent),
                HistoryEvent.EventTypeOneofCase.ExecutionStarted => Start(historyEvent.ExecutionStarted),
                HistoryEvent.EventTypeOneofCase.TaskScheduled => _context.Confirm(historyEvent.EventId, ActionKind.Activity, historyEvent.TaskScheduled.Name),
                HistoryEvent.EventTypeOneofCase.TimerCreated => _context.Confirm(historyEvent.EventId, ActionKind.Timer, ""),
                HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated =>
                    _context.Confirm(historyEvent.EventId, ActionKind.ChildWorkflow, historyEvent.SubOrchestrationInstanceCreated.Name),
                HistoryEvent.EventTypeOneofCase.EventSent => _context.Confirm(historyEvent.EventId, ActionKind.EventSent, historyEvent.EventSent.Name),
                HistoryEvent.EventTypeOneofCase.TaskCompleted =>
                    _context.Resolve(historyEvent.TaskCompleted.TaskScheduledId, ActionKind.Activity, historyEvent.TaskCompleted.Result, null),
                HistoryEvent.EventTypeOneofCase.TaskFailed =>
                    _context.Resolve(historyEvent.TaskFailed.TaskScheduledId, ActionKind.Activity, null, historyEvent.TaskFailed.FailureDetails ?? UnknownFailure),
                HistoryEvent.EventTypeOneofCase.TimerFired => _context.Resolve(historyEvent.TimerFired.TimerId, ActionKind.Timer, null, null),
                HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCompleted => _context.Resolve(
                    historyEvent.SubOrchestrationInstanceCompleted.TaskScheduledId, ActionKind.ChildWorkflow, historyEvent.SubOrchestrationInstanceCompleted.Result, null),
                HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceFailed => _context.Resolve(
                    historyEvent.SubOrchestrationInstanceFailed.TaskScheduledId, ActionKind.ChildWorkflow, null,
                    historyEvent.SubOrchestrationInstanceFailed.FailureDetails ?? UnknownFailure),
                HistoryEvent.EventTypeOneofCase.EventRaised => Deliver(historyEvent),
                HistoryEvent.EventTypeOneofCase.ExecutionTerminated => Terminate(historyEvent.ExecutionTerminated),
                HistoryEvent.EventTypeOneofCase.ExecutionSuspended => Suspend(),
                HistoryEvent.EventTypeOneofCase.ExecutionResumed => Resume(replaying),
                _ => null,
            };

            if (error is not null)
            {
                Fail(NonDeterminismErrorType, error);
                return;
            }

            if (IsComplete) { return; }
            _scheduler.Drain();
            CompleteIfReturned();
        }

        /// <summary>Continue-as-new keeps raised events that arrived after the code returned but in the same batch.</summary>
        public void CarryOver(IEnumerable<HistoryEvent> remaining)
        {
            if (_completion?.CompleteOrchestration is { OrchestrationStatus: OrchestrationStatus.ContinuedAsNew } next && _context.ContinueAsNewRequest is { PreserveEvents: true })
            {
                next.CarryoverEvents.AddRange(remaining.Where(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.EventRaised));
            }
        }

        public OrchestratorResponse ToResponse()
        {
            var response = new OrchestratorResponse { InstanceId = instanceId };
            if (_keepPendingActions) { response.Actions.AddRange(_context.PendingActions); }
            if (_completion is not null) { response.Actions.Add(_completion); }
            if (_context.CustomStatusJson is { } customStatus) { response.CustomStatus = customStatus; }
            return response;
        }

        private static TaskFailureDetails UnknownFailure => new() { ErrorType = "Unknown", ErrorMessage = "The failure carried no details." };

        private string? SetTime(HistoryEvent historyEvent)
        {
            if (historyEvent.Timestamp is { } timestamp) { _context.CurrentTime = timestamp.ToDateTime(); }
            return null;
        }

        private string? Start(ExecutionStartedEvent started)
        {
            if (_workflowTask is not null) { return null; }
            _context.WorkflowName = started.Name;
            var workflow = resolveWorkflow(started.Name);
            if (workflow is null)
            {
                Fail(WorkflowNotRegisteredErrorType, $"No workflow named '{started.Name}' is registered with this worker.");
                return null;
            }

            // The code starts on the private scheduler, so every continuation it awaits runs there too, one at a time.
            _workflowTask = Task.Factory.StartNew(
                () => workflow.RunAsync(_context, WorkflowJson.Deserialize(started.Input, workflow.InputType)),
                CancellationToken.None,
                TaskCreationOptions.None,
                _scheduler).Unwrap();
            return null;
        }

        private string? Deliver(HistoryEvent raised)
        {
            _context.Deliver(raised);
            return null;
        }

        private string? Terminate(ExecutionTerminatedEvent terminated)
        {
            Complete(OrchestrationStatus.Terminated, terminated.Input, failure: null, keepPendingActions: false);
            return null;
        }

        private string? Suspend()
        {
            _suspended = true;
            return null;
        }

        private string? Resume(bool replaying)
        {
            _suspended = false;
            var deferred = _deferredWhileSuspended.ToList();
            _deferredWhileSuspended.Clear();
            foreach (var historyEvent in deferred)
            {
                if (IsComplete) { break; }
                Apply(historyEvent, replaying);
            }

            return null;
        }

        private void CompleteIfReturned()
        {
            if (_workflowTask is not { IsCompleted: true } task) { return; }
            try
            {
                var output = task.GetAwaiter().GetResult();
                if (_context.ContinueAsNewRequest is { } next)
                {
                    Complete(OrchestrationStatus.ContinuedAsNew, next.Input, failure: null, keepPendingActions: true);
                    if (next.PreserveEvents) { _completion!.CompleteOrchestration.CarryoverEvents.AddRange(_context.UnconsumedEvents); }
                }
                else
                {
                    Complete(OrchestrationStatus.Completed, WorkflowJson.Serialize(output), failure: null, keepPendingActions: true);
                }
            }
            catch (Exception ex)
            {
                Complete(OrchestrationStatus.Failed, null, WorkflowTaskFailureDetails.FromException(ex), keepPendingActions: true);
            }
        }

        private void Fail(string errorType, string message) =>
            Complete(OrchestrationStatus.Failed, null, new TaskFailureDetails { ErrorType = errorType, ErrorMessage = message, IsNonRetriable = true }, keepPendingActions: false);

        private void Complete(OrchestrationStatus status, string? result, TaskFailureDetails? failure, bool keepPendingActions)
        {
            var action = new CompleteOrchestrationAction { OrchestrationStatus = status };
            if (result is not null) { action.Result = result; }
            if (failure is not null) { action.FailureDetails = failure; }
            _completion = new OrchestratorAction { Id = _context.AllocateActionId(), CompleteOrchestration = action };
            _keepPendingActions = keepPendingActions;
        }
    }
}
