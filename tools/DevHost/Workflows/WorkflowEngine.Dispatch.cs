using Grpc.Core;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>Dispatching turns and activities to workers and recording what they send back.</summary>
internal sealed partial class WorkflowEngine
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private AppWorkflows App(string appId) => _apps.GetOrAdd(appId, id => new AppWorkflows(id));

    /// <summary>
    /// Serves one GetWorkItems stream of <paramref name="appId"/>'s worker until it ends: nothing is sent until there is work;
    /// the work still in flight on it when it ends is dispatched again (to it or another worker).
    /// </summary>
    public async Task ServeWorkerAsync(string appId, IServerStreamWriter<WorkItem> stream, CancellationToken ct)
    {
        var app = App(appId);
        var worker = new WorkerStream();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        lock (app.Sync)
        {
            app.Workers.Add(worker);
            app.ActivityScanNeeded = true;
        }

        app.Wake();
        try
        {
            await foreach (var item in worker.Items.Reader.ReadAllAsync(linked.Token))
            {
                await stream.WriteAsync(item, linked.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // DevHost is stopping: the stream ends normally and the worker reconnects to the next DevHost.
        }
        finally
        {
            lock (app.Sync) { app.Release(worker); }
            app.Wake();
        }
    }

    /// <summary>Dispatches the app's ready work whenever something changes, a timer comes due, or every few seconds; ends with <see cref="Stopping"/>.</summary>
    public async Task RunDispatchLoopAsync(string appId)
    {
        var app = App(appId);
        while (!stopping.IsCancellationRequested)
        {
            var wait = IdlePoll;
            try
            {
                if (await DispatchReadyAsync(app, stopping) is { } next)
                {
                    var untilNext = next - time.GetUtcNow();
                    wait = untilNext < TimeSpan.Zero ? TimeSpan.Zero : untilNext < IdlePoll ? untilNext : IdlePoll;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The loop must outlive a failed round (Postgres restarting, a broken row): it logs and tries again.
                logger.LogWarning(ex, "[{AppId}] workflow dispatch failed; retrying", appId);
                lock (app.Sync) { app.ActivityScanNeeded = true; }
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await app.WaitForWakeAsync(wait, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One round: instances with visible inbox events get a turn; stored activities are read only when some may be undispatched
    /// (<see cref="AppWorkflows.ActivityScanNeeded"/>). The bookkeeping lock is taken between database reads, never across one.
    /// </summary>
    /// <returns>When the next not-yet-visible event becomes visible, if any.</returns>
    private async Task<DateTimeOffset?> DispatchReadyAsync(AppWorkflows app, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (ready, nextVisible) = await store.ReadyInstancesAsync(app.AppId, now, ct);
        bool scan;
        lock (app.Sync)
        {
            if (app.Workers.Count == 0) { return nextVisible; }
            foreach (var busy in ready.Where(app.Orchestrations.ContainsKey)) { app.ReadyWhileInFlight.Add(busy); }
            ready = [.. ready.Where(id => !app.Orchestrations.ContainsKey(id))];
            scan = app.ActivityScanNeeded;
            app.ActivityScanNeeded = false;
        }

        foreach (var instanceId in ready) { await DispatchTurnAsync(app, instanceId, now, ct); }
        if (scan)
        {
            try
            {
                DispatchActivities(app, await store.PendingActivitiesAsync(app.AppId, ct));
            }
            catch
            {
                lock (app.Sync) { app.ActivityScanNeeded = true; }
                throw;
            }
        }

        return nextVisible;
    }

    /// <summary>Hands the activities not already in flight to the workers, round-robin; with no worker they wait for the next scan.</summary>
    private static void DispatchActivities(AppWorkflows app, IEnumerable<PendingActivity> activities)
    {
        lock (app.Sync)
        {
            foreach (var activity in activities)
            {
                var key = (activity.InstanceId, activity.TaskId);
                if (app.Activities.ContainsKey(key)) { continue; }
                if (app.NextWorker() is not { } worker)
                {
                    app.ActivityScanNeeded = true;
                    return;
                }

                var token = Guid.NewGuid().ToString();
                app.Activities[key] = new ActivityDispatch(token, worker.Id);
                if (!worker.Items.Writer.TryWrite(new WorkItem { ActivityRequest = activity.Request, CompletionToken = token }))
                {
                    app.Activities.Remove(key);
                    app.ActivityScanNeeded = true;
                }
            }
        }
    }

    /// <summary>
    /// One turn: pastEvents = the history; newEvents = orchestratorStarted (eventId −1, timestamp = now, the workflow's deterministic
    /// time), then the inbox events visible now — executionStarted first on the first turn. Instance, inbox and history are read
    /// in one round trip.
    /// </summary>
    private async Task DispatchTurnAsync(AppWorkflows app, string instanceId, DateTimeOffset now, CancellationToken ct)
    {
        lock (app.Sync)
        {
            // No worker: the dispatcher's round after one connects sends it.
            if (app.Workers.Count == 0) { return; }
            if (app.Orchestrations.ContainsKey(instanceId))
            {
                app.ReadyWhileInFlight.Add(instanceId);
                return;
            }
        }

        TryDispatchTurn(app, instanceId, await store.TurnStateAsync(app.AppId, instanceId, now, ct), now);
    }

    /// <summary>Sends the turn made of <paramref name="state"/> (read at <paramref name="now"/>) unless a turn is in flight or the state is old.</summary>
    private static void TryDispatchTurn(AppWorkflows app, string instanceId, TurnState state, DateTimeOffset now)
    {
        var (instance, inbox, history) = state;
        if (instance is null || instance.Status is not (OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended)) { return; }

        // A suspended workflow runs only to be terminated; everything else waits for the resume.
        if (instance.Status == OrchestrationStatus.Suspended) { inbox = [.. inbox.Where(i => i.Event.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionTerminated)]; }
        if (history.Count == 0)
        {
            // Not started yet (e.g. a start scheduled for later): events raised meanwhile wait for the start event.
            if (!inbox.Any(i => i.Event.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted)) { return; }
            inbox = [.. inbox.OrderBy(i => i.Event.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted ? 0 : 1)];
        }

        if (inbox.Count == 0) { return; }
        var started = NewEvent(now, e => e.WorkflowStarted = new WorkflowStartedEvent());
        var request = new WorkflowRequest { InstanceId = instanceId, ExecutionId = instance.ExecutionId };
        request.PastEvents.Add(history);
        request.NewEvents.Add(started);
        request.NewEvents.Add(inbox.Select(i => i.Event));
        lock (app.Sync)
        {
            // A turn dispatched meanwhile wins; state read before the last turn's commit is old: the next round reads it again.
            if (app.Orchestrations.ContainsKey(instanceId))
            {
                app.ReadyWhileInFlight.Add(instanceId);
                return;
            }

            if (app.CommittedHistory.Remove(instanceId, out var committed) && committed != history.Count)
            {
                app.Wake();
                return;
            }

            if (app.NextWorker() is not { } worker) { return; }
            var token = Guid.NewGuid().ToString();
            app.Orchestrations[instanceId] = new OrchestrationDispatch(token, worker.Id, instance.ExecutionId, history.Count, started, inbox);
            if (!worker.Items.Writer.TryWrite(new WorkItem { WorkflowRequest = request, CompletionToken = token })) { app.Orchestrations.Remove(instanceId); }
        }
    }

    /// <summary>
    /// Records a turn's result. A completion whose non-empty token is not the one of the turn in flight (or that arrives when no turn
    /// is in flight, or while that turn's result is being recorded) is stale and discarded; an empty token is accepted, as daprd does.
    /// The activities the turn schedules are dispatched as soon as it commits.
    /// </summary>
    public async Task CompleteOrchestratorTaskAsync(string appId, WorkflowResponse response, CancellationToken ct)
    {
        var app = App(appId);
        OrchestrationDispatch? dispatch;
        lock (app.Sync)
        {
            if (!app.Orchestrations.TryGetValue(response.InstanceId, out dispatch) || dispatch.Completing
                || (response.CompletionToken.Length > 0 && response.CompletionToken != dispatch.CompletionToken))
            {
                dispatch = null;
            }
            else
            {
                dispatch.Completing = true;
            }
        }

        if (dispatch is null)
        {
            logger.LogInformation("[{AppId}] discarding a stale orchestrator completion for workflow '{InstanceId}'", appId, response.InstanceId);
            return;
        }

        TurnOutcome? outcome = null;
        var readyAgain = false;
        try
        {
            outcome = await Turns(appId).RecordAsync((dispatch, response), ct);
        }
        finally
        {
            lock (app.Sync)
            {
                if (app.Orchestrations.TryGetValue(response.InstanceId, out var current) && ReferenceEquals(current, dispatch)) { app.Orchestrations.Remove(response.InstanceId); }
                if (outcome?.HistoryLength is { } length) { app.CommittedHistory[response.InstanceId] = length; }
                else { app.CommittedHistory.Remove(response.InstanceId); }
                readyAgain = app.ReadyWhileInFlight.Remove(response.InstanceId);
            }

            // Not recorded (an error, or discarded as stale): its inbox is untouched, so the dispatcher looks again.
            if (outcome is not { Applied: true }) { app.Wake(); }
        }

        if (outcome is not { Applied: true } done) { return; }
        DispatchActivities(app, done.Scheduled);

        // Only a new status concerns the WaitFor* calls; what the turn did to others (events, children) lands in their inboxes.
        if (done.StatusChanged) { Changed(appId, response.InstanceId, wakeDispatcher: false, done.Row); }

        // Timers, children, sent events and a parent to notify need the dispatcher's round; the instance's own next turn (events
        // left over or arrived meanwhile, a continue-as-new) is dispatched at once.
        if (done.AffectsOthers) { app.Wake(); }
        if (done.HistoryLength is not null && (readyAgain || done.ReadyAgain)) { await DispatchTurnOrWakeAsync(app, response.InstanceId, ct); }
    }

    /// <summary>Dispatches the instance's next turn now; if that fails, the dispatcher's next round does it.</summary>
    private async Task DispatchTurnOrWakeAsync(AppWorkflows app, string instanceId, CancellationToken ct)
    {
        try
        {
            await DispatchTurnAsync(app, instanceId, time.GetUtcNow(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.LogDebug(ex, "[{AppId}] dispatching workflow '{InstanceId}' directly failed; the dispatcher will", app.AppId, instanceId);
            app.Wake();
        }
    }

    /// <summary>Records an activity's result as taskCompleted / taskFailed (taskScheduledId = the taskId) in its workflow's inbox.</summary>
    public async Task CompleteActivityTaskAsync(string appId, ActivityResponse response, CancellationToken ct)
    {
        var app = App(appId);
        var key = (response.InstanceId, response.TaskId);
        ActivityDispatch? dispatch;
        lock (app.Sync)
        {
            var inFlight = app.Activities.TryGetValue(key, out dispatch);
            if ((inFlight && dispatch!.Completing) || (response.CompletionToken.Length > 0 && (!inFlight || response.CompletionToken != dispatch!.CompletionToken)))
            {
                logger.LogInformation("[{AppId}] discarding a stale activity completion for workflow '{InstanceId}' task {TaskId}", appId, response.InstanceId, response.TaskId);
                return;
            }

            if (dispatch is not null) { dispatch.Completing = true; }
        }

        ActivityRecord record;
        try
        {
            record = await Results(appId).RecordAsync(response, ct);
        }
        finally
        {
            lock (app.Sync)
            {
                if (app.Activities.TryGetValue(key, out var current) && (dispatch is null || ReferenceEquals(current, dispatch))) { app.Activities.Remove(key); }
            }
        }

        // An activity result changes no status; its workflow has a new inbox event, so its next turn goes out now.
        if (record.Next is { } next) { TryDispatchTurn(app, response.InstanceId, next, record.At); }
        else if (record.Recorded) { await DispatchTurnOrWakeAsync(app, response.InstanceId, ct); }
    }

    /// <summary>
    /// Appends the turn to the history — orchestratorStarted, the new events the worker processed, one event per action (eventId = the
    /// action's id), orchestratorCompleted — and carries out the actions. A turn dispatched from state that changed meanwhile is dropped.
    /// </summary>
    private async Task<TurnOutcome> ApplyTurnAsync(WorkflowTx tx, string appId, OrchestrationDispatch dispatch, WorkflowResponse response, CancellationToken ct)
    {
        var instanceId = response.InstanceId;
        var locked = await WorkflowStore.LockInstanceWithHistoryLengthAsync(tx, appId, instanceId, ct);
        if (locked is not var (instance, historyLength) || instance.IsCompleted || instance.ExecutionId != dispatch.ExecutionId || historyLength != dispatch.HistoryLength)
        {
            logger.LogInformation("[{AppId}] workflow '{InstanceId}' changed while its turn ran; the turn is discarded", appId, instanceId);
            return new TurnOutcome(false, false, [], null, false, false, null);
        }

        var scheduled = new List<PendingActivity>();
        var affectsOthers = false;

        // numEventsProcessed counts newEvents (orchestratorStarted included); the rest stay in the inbox for the next turn.
        var processedCount = response.NumEventsProcessed is { } n ? Math.Clamp(n - 1, 0, dispatch.Inbox.Count) : dispatch.Inbox.Count;
        var processed = dispatch.Inbox.Take(processedCount).ToList();
        // Only a turn removes inbox events other than by ending the workflow, and the instance's row lock keeps those away.
        WorkflowStore.DeleteInbox(tx, appId, instanceId, processed.Select(p => p.Id).ToList());

        var now = time.GetUtcNow();
        var history = new List<HistoryEvent> { dispatch.WorkflowStarted };
        history.AddRange(processed.Select(p => p.Event));
        var row = instance;
        if (row.Status == OrchestrationStatus.Pending && processed.Any(p => p.Event.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted))
        {
            row = row with { Status = OrchestrationStatus.Running };
        }

        if (response.CustomStatus is { } customStatus) { row = row with { CustomStatus = customStatus }; }
        var termination = processed.Select(p => p.Event.ExecutionTerminated).FirstOrDefault(t => t is not null);
        var continuedAsNew = false;
        foreach (var action in response.Actions)
        {
            var id = action.Id;
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                {
                    var a = action.ScheduleTask;
                    history.Add(NewEvent(now, e => e.TaskScheduled = new TaskScheduledEvent { Name = a.Name, Version = a.Version, Input = a.Input, TaskExecutionId = a.TaskExecutionId }, id));
                    var request = new ActivityRequest
                    {
                        Name = a.Name,
                        Version = a.Version,
                        Input = a.Input,
                        WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = row.ExecutionId },
                        TaskId = id,
                        TaskExecutionId = a.TaskExecutionId,
                    };
                    scheduled.Add(new PendingActivity(instanceId, id, row.ExecutionId, request));
                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                {
                    affectsOthers = true;
                    var a = action.CreateTimer;
                    var fireAt = a.FireAt ?? Timestamp.FromDateTimeOffset(now);
                    history.Add(NewEvent(now, e => e.TimerCreated = a.HasName ? new TimerCreatedEvent { FireAt = fireAt, Name = a.Name } : new TimerCreatedEvent { FireAt = fireAt }, id));
                    var fireTime = fireAt.ToDateTimeOffset();
                    WorkflowStore.Enqueue(tx, appId, instanceId,
                        NewEvent(fireTime > now ? fireTime : now, e => e.TimerFired = new TimerFiredEvent { FireAt = fireAt, TimerId = id }), fireTime);
                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                {
                    affectsOthers = true;
                    var a = action.CreateChildWorkflow;

                    // Without an id from the worker, the child's id is derived from the parent's id and the action id (durabletask-go's rule).
                    var childId = string.IsNullOrEmpty(a.InstanceId) ? $"{instanceId}:{id:x4}" : a.InstanceId;
                    history.Add(NewEvent(now, e => e.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
                    {
                        InstanceId = childId,
                        Name = a.Name,
                        Version = a.Version,
                        Input = a.Input,
                    }, id));
                    await StartChildAsync(tx, appId, row, id, childId, a, ct);
                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateDetachedWorkflow:
                {
                    affectsOthers = true;
                    await StartDetachedAsync(tx, appId, instanceId, id, action.CreateDetachedWorkflow, history, now, ct);
                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                {
                    affectsOthers = true;
                    var a = action.SendEvent;
                    var target = a.Instance?.InstanceId ?? "";
                    history.Add(NewEvent(now, e => e.EventSent = new EventSentEvent { InstanceId = target, Name = a.Name, Input = a.Data }, id));
                    if (target == instanceId) { DeliverEvent(tx, appId, target, a.Name, a.Data); }
                    else if (await WorkflowStore.LockInstanceAsync(tx, appId, target, ct) is { IsCompleted: false })
                    {
                        DeliverEvent(tx, appId, target, a.Name, a.Data);
                    }

                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                {
                    affectsOthers = true;
                    var a = action.TerminateWorkflow;
                    if (a.InstanceId != instanceId) { await TerminateInTransactionAsync(tx, appId, a.InstanceId, a.Reason, a.Recurse, ct); }
                    break;
                }

                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                {
                    var a = action.CompleteWorkflow;
                    if (a.WorkflowStatus == OrchestrationStatus.ContinuedAsNew && termination is null)
                    {
                        row = await ContinueAsNewAsync(tx, appId, row, a, ct);
                        continuedAsNew = true;
                    }
                    else
                    {
                        history.Add(NewEvent(now, e => e.ExecutionCompleted = new ExecutionCompletedEvent
                        {
                            WorkflowStatus = a.WorkflowStatus,
                            Result = a.Result,
                            FailureDetails = a.FailureDetails,
                        }, id));
                        WorkflowStore.DeleteWork(tx, appId, instanceId);
                        row = row with
                        {
                            Status = WorkflowInstanceRow.IsTerminal(a.WorkflowStatus) ? a.WorkflowStatus
                                : termination is not null ? OrchestrationStatus.Terminated : OrchestrationStatus.Completed,
                            Output = a.Result,
                            Failure = a.FailureDetails,
                            CompletedAt = now,
                        };
                    }

                    break;
                }

                default:
                    logger.LogWarning("[{AppId}] workflow '{InstanceId}': ignoring action {Id} of unknown type", appId, instanceId, id);
                    break;
            }

            if (row.IsCompleted || continuedAsNew) { break; }
        }

        if (termination is not null && !row.IsCompleted)
        {
            // The worker saw executionTerminated but did not end the workflow: it is terminated regardless, as durabletask-go does.
            history.Add(NewEvent(now, e => e.ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = OrchestrationStatus.Terminated, Result = termination.Input }));
            WorkflowStore.DeleteWork(tx, appId, instanceId);
            row = row with { Status = OrchestrationStatus.Terminated, Output = termination.Input, CompletedAt = now };
        }

        if (!continuedAsNew)
        {
            history.Add(NewEvent(now, e => e.WorkflowCompleted = new WorkflowCompletedEvent()));
            WorkflowStore.AppendHistory(tx, appId, instanceId, history);
        }

        // Activities scheduled by a turn that also ended the workflow (or continued it as new) are not run.
        if (row.IsCompleted || continuedAsNew) { scheduled.Clear(); }
        WorkflowStore.InsertActivities(tx, appId, scheduled);
        row = row with { LastUpdatedAt = now };
        WorkflowStore.UpdateInstance(tx, appId, row);
        if (row.IsCompleted) { await NotifyParentAsync(tx, appId, row, ct); }
        if (termination is { Recurse: true } && row.Status == OrchestrationStatus.Terminated) { await CascadeTerminationAsync(tx, appId, instanceId, termination.Input, ct); }
        return new TurnOutcome(true, row.Status != instance.Status, scheduled, row.IsCompleted ? null : continuedAsNew ? 0 : dispatch.HistoryLength + history.Count,
            affectsOthers || (row.IsCompleted && (row.ParentInstanceId is not null || termination is { Recurse: true })),
            continuedAsNew || processedCount < dispatch.Inbox.Count, row);
    }

    /// <summary>What a turn changed that the in-memory side acts on.</summary>
    /// <param name="Applied">False when the turn was discarded as stale (nothing recorded).</param>
    /// <param name="HistoryLength">The instance's history length after the turn; null once it has ended.</param>
    /// <param name="AffectsOthers">A timer, child, sent event or termination, or the workflow ended with a parent to notify or children to
    /// terminate: the dispatcher's round is needed.</param>
    /// <param name="ReadyAgain">The instance has work for another turn already (events not processed, a continue-as-new).</param>
    /// <param name="Row">The instance as the turn left it.</param>
    private sealed record TurnOutcome(bool Applied, bool StatusChanged, IReadOnlyList<PendingActivity> Scheduled, int? HistoryLength, bool AffectsOthers, bool ReadyAgain,
        WorkflowInstanceRow? Row);

    /// <summary>
    /// A detached workflow (durabletask-go's applier): recorded as detachedWorkflowInstanceCreated and started as a top-level
    /// instance with no link back, so its end reaches nobody. An id taken by a running workflow drops the spawn (logged), as daprd does.
    /// </summary>
    private async Task StartDetachedAsync(WorkflowTx tx, string appId, string instanceId, int actionId, CreateDetachedWorkflowAction action,
        List<HistoryEvent> history, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(action.InstanceId))
        {
            logger.LogWarning("[{AppId}] workflow '{InstanceId}': a detached workflow needs an instance ID; action {Id} ignored", appId, instanceId, actionId);
            return;
        }

        history.Add(NewEvent(now, e => e.DetachedWorkflowInstanceCreated = new DetachedWorkflowInstanceCreatedEvent { InstanceId = action.InstanceId }, actionId));
        if (await WorkflowStore.LockInstanceAsync(tx, appId, action.InstanceId, ct) is { IsCompleted: false })
        {
            logger.LogWarning("[{AppId}] workflow '{InstanceId}': detached workflow spawn '{Target}' rejected: an active workflow with that ID exists", appId, instanceId, action.InstanceId);
            return;
        }

        var request = new CreateInstanceRequest { InstanceId = action.InstanceId, Name = action.Name, Version = action.Version, Input = action.Input };
        (request.ScheduledStartTimestamp, request.ExecutionId, request.ParentTraceContext) = (action.ScheduledStartTimestamp, action.ExecutionId, action.ParentTraceContext);
        request.Tags.Add(action.Tags);
        CreateInstance(tx, appId, action.InstanceId, request, parent: null);
    }

    private async Task StartChildAsync(WorkflowTx tx, string appId, WorkflowInstanceRow parent, int taskId, string childId,
        CreateChildWorkflowAction action, CancellationToken ct)
    {
        if (await WorkflowStore.LockInstanceAsync(tx, appId, childId, ct) is { IsCompleted: false })
        {
            // The id is taken by a running workflow: the parent learns at once that its child could not start.
            var now = time.GetUtcNow();
            WorkflowStore.Enqueue(tx, appId, parent.InstanceId, NewEvent(now, e => e.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
            {
                TaskScheduledId = taskId,
                FailureDetails = new TaskFailureDetails { ErrorType = "WorkflowAlreadyExists", ErrorMessage = $"an active workflow with ID '{childId}' already exists" },
            }), now);
            return;
        }

        var request = new CreateInstanceRequest { InstanceId = childId, Name = action.Name, Version = action.Version, Input = action.Input };
        var parentInfo = new ParentInstanceInfo
        {
            TaskScheduledId = taskId,
            Name = parent.Name,
            WorkflowInstance = new WorkflowInstance { InstanceId = parent.InstanceId, ExecutionId = parent.ExecutionId },
        };
        CreateInstance(tx, appId, childId, request, parentInfo);
    }

    /// <summary>
    /// Continue-as-new: the history starts over with a new execution whose executionStarted carries the new input, followed by the
    /// carryover events; external events that arrived but were not processed stay; the old execution's timers and activities are dropped.
    /// </summary>
    private async Task<WorkflowInstanceRow> ContinueAsNewAsync(WorkflowTx tx, string appId, WorkflowInstanceRow row, CompleteWorkflowAction action, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var waiting = (await WorkflowStore.InboxAsync(tx, appId, row.InstanceId, ct))
            .Where(i => i.Event.EventTypeCase == HistoryEvent.EventTypeOneofCase.EventRaised)
            .ToList();
        WorkflowStore.DeleteHistory(tx, appId, row.InstanceId);
        WorkflowStore.DeleteWork(tx, appId, row.InstanceId);
        var executionId = Guid.NewGuid().ToString("N");
        var started = new ExecutionStartedEvent
        {
            Name = row.Name,
            Version = action.NewVersion,
            Input = action.Result,
            WorkflowInstance = new WorkflowInstance { InstanceId = row.InstanceId, ExecutionId = executionId },
        };
        if (row.ParentInstanceId is { } parentId && row.ParentTaskId is { } parentTask)
        {
            started.ParentInstance = new ParentInstanceInfo { TaskScheduledId = parentTask, WorkflowInstance = new WorkflowInstance { InstanceId = parentId } };
        }

        WorkflowStore.Enqueue(tx, appId, row.InstanceId, NewEvent(now, e => e.ExecutionStarted = started), now);
        foreach (var carried in action.CarryoverEvents) { WorkflowStore.Enqueue(tx, appId, row.InstanceId, carried, now); }
        foreach (var (_, e, visibleAt) in waiting) { WorkflowStore.Enqueue(tx, appId, row.InstanceId, e, visibleAt); }
        return row with { ExecutionId = executionId, Input = action.Result, Output = null, Failure = null };
    }
}
