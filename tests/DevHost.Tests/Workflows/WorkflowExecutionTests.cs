using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// The execution protocol of TaskHubSidecarService as a scripted worker sees it: turns, activities, timers, external events,
/// child workflows, continue-as-new (https://docs.dapr.io/contributing/protocol-reference/workflow-protocol/ and
/// https://docs.dapr.io/developing-applications/building-blocks/workflow/workflow-features-concepts/).
/// </summary>
public sealed class WorkflowExecutionTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    [Fact]
    public async Task Chained_activities_run_turn_by_turn_and_results_are_correlated_by_task_id()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Chain", "\"in\"");

        // Protocol rule: every turn starts with orchestratorStarted (eventId −1, timestamp = the deterministic now); the first turn
        // then carries executionStarted with the raw input.
        var turn1 = await worker.NextTurnAsync(id);
        turn1.CompletionToken.Should().NotBeEmpty();
        turn1.WorkflowRequest.PastEvents.Should().BeEmpty();
        var newEvents = turn1.WorkflowRequest.NewEvents;
        newEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted);
        newEvents[0].EventId.Should().Be(-1);
        newEvents[0].Timestamp.Should().NotBeNull();
        newEvents[1].ExecutionStarted.Name.Should().Be("Chain");
        newEvents[1].ExecutionStarted.Input.Should().Be("\"in\"");
        newEvents[1].ExecutionStarted.WorkflowInstance.InstanceId.Should().Be(id);
        await worker.CompleteTurnAsync(turn1, ScriptedWorker.ScheduleTask(0, "Step", "1"));

        // An activity work item's taskId is the action id, i.e. the eventId of its taskScheduled event.
        var activity1 = await worker.NextActivityAsync(id);
        activity1.ActivityRequest.Name.Should().Be("Step");
        activity1.ActivityRequest.TaskId.Should().Be(0);
        activity1.ActivityRequest.Input.Should().Be("1");
        activity1.CompletionToken.Should().NotBeEmpty().And.NotBe(turn1.CompletionToken);
        await worker.CompleteActivityAsync(activity1, "2");

        var turn2 = await worker.NextTurnAsync(id);
        var past = turn2.WorkflowRequest.PastEvents;
        past.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.WorkflowCompleted);
        past[2].EventId.Should().Be(0);
        past[2].TaskScheduled.Name.Should().Be("Step");
        var completed = turn2.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted);
        completed.EventId.Should().Be(-1);
        completed.TaskCompleted.TaskScheduledId.Should().Be(0);
        completed.TaskCompleted.Result.Should().Be("2");
        await worker.CompleteTurnAsync(turn2, "step 2", ScriptedWorker.ScheduleTask(1, "Step", "2"));

        var activity2 = await worker.NextActivityAsync(id);
        activity2.ActivityRequest.TaskId.Should().Be(1);
        await worker.CompleteActivityAsync(activity2, "3");
        var turn3 = await worker.NextTurnAsync(id);
        turn3.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted).TaskCompleted.TaskScheduledId.Should().Be(1);
        await worker.CompleteTurnAsync(turn3, ScriptedWorker.Complete(2, "\"done\""));

        var final = await H.WaitForCompletionAsync(id);
        final.Exists.Should().BeTrue();
        final.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
        final.WorkflowState.Output.Should().Be("\"done\"");
        final.WorkflowState.Input.Should().Be("\"in\"");
        final.WorkflowState.CustomStatus.Should().Be("step 2");
        final.WorkflowState.CompletedTimestamp.Should().NotBeNull();
    }

    [Fact]
    public async Task A_failed_activity_reaches_the_workflow_as_taskFailed_with_its_details()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Failing", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id), ScriptedWorker.ScheduleTask(0, "Boom", null));
        var activity = await worker.NextActivityAsync(id);
        await worker.CompleteActivityAsync(activity, null, new TaskFailureDetails { ErrorType = "InvalidOperationException", ErrorMessage = "boom" });

        var turn = await worker.NextTurnAsync(id);
        var failed = turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskFailed).TaskFailed;
        failed.TaskScheduledId.Should().Be(0);
        failed.FailureDetails.ErrorMessage.Should().Be("boom");
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Fail(1, "InvalidOperationException", "boom"));

        var final = await H.WaitForCompletionAsync(id);
        final.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Failed);
        final.WorkflowState.FailureDetails.ErrorType.Should().Be("InvalidOperationException");
    }

    [Fact]
    public async Task A_durable_timer_fires_as_timerFired_with_the_timer_id_no_earlier_than_fireAt()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Sleepy", null);
        var turn1 = await worker.NextTurnAsync(id);
        var fireAt = turn1.WorkflowRequest.NewEvents[0].Timestamp.ToDateTimeOffset().AddSeconds(1);
        await worker.CompleteTurnAsync(turn1, ScriptedWorker.CreateTimer(0, fireAt));

        // Docs (durable timers): the timer's eventId is the action id; timerFired.timerId refers to it, and it arrives at fireAt.
        var turn2 = await worker.NextTurnAsync(id);
        turn2.WorkflowRequest.PastEvents.Single(e => e.EventTypeCase == EventType.TimerCreated).EventId.Should().Be(0);
        var fired = turn2.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TimerFired).TimerFired;
        fired.TimerId.Should().Be(0);
        fired.FireAt.ToDateTimeOffset().Should().Be(fireAt);
        turn2.WorkflowRequest.NewEvents[0].Timestamp.ToDateTimeOffset().Should().BeOnOrAfter(fireAt);
        await worker.CompleteTurnAsync(turn2, ScriptedWorker.Complete(1, null));
        (await H.WaitForCompletionAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
    }

    [Fact]
    public async Task External_events_raised_before_and_after_they_are_awaited_are_both_delivered()
    {
        // Started a moment from now, so that no turn (to a worker of an earlier test still disconnecting) precedes the events.
        var id = await H.StartAsync("Approval", null, scheduledStart: DateTimeOffset.UtcNow.AddSeconds(1));

        // Docs (external events): an event raised before the workflow waits for it is buffered, not lost.
        await H.RaiseAsync(id, "early", "\"first\"");
        await using var worker = H.ConnectWorker();
        var turn1 = await worker.NextTurnAsync(id);
        turn1.WorkflowRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.EventRaised);
        turn1.WorkflowRequest.NewEvents[2].EventRaised.Name.Should().Be("early");
        turn1.WorkflowRequest.NewEvents[2].EventRaised.Input.Should().Be("\"first\"");
        await worker.CompleteTurnAsync(turn1);

        await H.RaiseAsync(id, "late", "\"second\"");
        var turn2 = await worker.NextTurnAsync(id);
        var raised = turn2.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised);
        raised.EventId.Should().Be(-1);
        raised.EventRaised.Name.Should().Be("late");
        raised.EventRaised.Input.Should().Be("\"second\"");
        await worker.CompleteTurnAsync(turn2, ScriptedWorker.Complete(0, null));
    }

    [Fact]
    public async Task A_child_workflows_completion_and_failure_reach_the_parent_with_the_action_id()
    {
        await using var worker = H.ConnectWorker();
        var parent = await H.StartAsync("Parent", null);
        var okChild = WorkflowHarness.NewInstanceId("child-ok");
        var badChild = WorkflowHarness.NewInstanceId("child-bad");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent),
            ScriptedWorker.CreateChild(0, okChild, "Child", "\"a\""), ScriptedWorker.CreateChild(1, badChild, "Child", "\"b\""));

        // The child's executionStarted names its parent and the action id (ParentInstanceInfo.taskScheduledId).
        var childTurn = await worker.NextTurnAsync(okChild);
        var started = childTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionStarted).ExecutionStarted;
        started.Input.Should().Be("\"a\"");
        started.ParentInstance.TaskScheduledId.Should().Be(0);
        started.ParentInstance.WorkflowInstance.InstanceId.Should().Be(parent);
        (await H.GetAsync(okChild)).WorkflowState.ParentInstanceId.Should().Be(parent);
        await worker.CompleteTurnAsync(childTurn, ScriptedWorker.Complete(0, "\"A\""));

        var parentTurn = await worker.NextTurnAsync(parent);
        parentTurn.WorkflowRequest.PastEvents.Where(e => e.EventTypeCase == EventType.ChildWorkflowInstanceCreated)
            .Select(e => (e.EventId, e.ChildWorkflowInstanceCreated.InstanceId)).Should().Equal((0, okChild), (1, badChild));
        var done = parentTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ChildWorkflowInstanceCompleted).ChildWorkflowInstanceCompleted;
        done.TaskScheduledId.Should().Be(0);
        done.Result.Should().Be("\"A\"");
        await worker.CompleteTurnAsync(parentTurn);

        await worker.CompleteTurnAsync(await worker.NextTurnAsync(badChild), ScriptedWorker.Fail(0, "ChildError", "no"));
        var parentTurn2 = await worker.NextTurnAsync(parent);
        var failed = parentTurn2.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ChildWorkflowInstanceFailed).ChildWorkflowInstanceFailed;
        failed.TaskScheduledId.Should().Be(1);
        failed.FailureDetails.ErrorType.Should().Be("ChildError");
        await worker.CompleteTurnAsync(parentTurn2, ScriptedWorker.Complete(2, null));
        (await H.WaitForCompletionAsync(parent)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
    }

    [Fact]
    public async Task A_child_without_an_id_gets_one_derived_from_the_parent_id_and_action_id()
    {
        await using var worker = H.ConnectWorker();
        var parent = await H.StartAsync("Parent", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.CreateChild(5, "", "Child", null));

        // durabletask-go's rule: "<parent id>:<action id as 4 hex digits>".
        var childId = parent + ":0005";
        var childTurn = await worker.NextTurnAsync(childId);
        childTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionStarted).ExecutionStarted.ParentInstance.TaskScheduledId.Should().Be(5);
        await worker.CompleteTurnAsync(childTurn, ScriptedWorker.Complete(0, null));
        var parentTurn = await worker.NextTurnAsync(parent);
        parentTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ChildWorkflowInstanceCompleted).ChildWorkflowInstanceCompleted.TaskScheduledId.Should().Be(5);
        await worker.CompleteTurnAsync(parentTurn, ScriptedWorker.Complete(6, null));
    }

    [Fact]
    public async Task A_detached_workflow_is_recorded_with_the_action_id_and_runs_on_its_own()
    {
        await using var worker = H.ConnectWorker();
        var spawner = await H.StartAsync("Spawner", null);
        var detached = WorkflowHarness.NewInstanceId("detached");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(spawner), new WorkflowAction
        {
            Id = 3,
            CreateDetachedWorkflow = new CreateDetachedWorkflowAction { InstanceId = detached, Name = "Loner", Input = "\"x\"" },
        }, ScriptedWorker.Complete(4, null));
        (await H.WaitForCompletionAsync(spawner)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);

        // durabletask-go: detachedWorkflowInstanceCreated (eventId = action id) in the caller's history; the new instance has no parent.
        var history = await H.Client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = spawner });
        history.Events.Single(e => e.EventTypeCase == EventType.DetachedWorkflowInstanceCreated).Should()
            .Match<HistoryEvent>(e => e.EventId == 3 && e.DetachedWorkflowInstanceCreated.InstanceId == detached);
        var turn = await worker.NextTurnAsync(detached);
        var started = turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionStarted).ExecutionStarted;
        (started.Name, started.Input).Should().Be(("Loner", "\"x\""));
        started.ParentInstance.Should().BeNull();
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Complete(0, null));
        var final = await H.WaitForCompletionAsync(detached);
        final.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
        final.WorkflowState.ParentInstanceId.Should().BeNull();
    }

    [Fact]
    public async Task Continue_as_new_restarts_the_history_with_the_new_input_and_carryover_events()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Loop", "1");
        var turn1 = await worker.NextTurnAsync(id);
        var firstExecution = turn1.WorkflowRequest.ExecutionId;
        var carried = new HistoryEvent { EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), EventRaised = new EventRaisedEvent { Name = "kept", Input = "\"x\"" } };
        await worker.CompleteTurnAsync(turn1, ScriptedWorker.ContinueAsNew(0, "2", carried));

        var turn2 = await worker.NextTurnAsync(id);
        turn2.WorkflowRequest.PastEvents.Should().BeEmpty();
        turn2.WorkflowRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.EventRaised);
        turn2.WorkflowRequest.NewEvents[1].ExecutionStarted.Input.Should().Be("2");
        turn2.WorkflowRequest.NewEvents[2].EventRaised.Name.Should().Be("kept");
        turn2.WorkflowRequest.ExecutionId.Should().NotBe(firstExecution);

        // CONTINUED_AS_NEW is never the status at rest: the instance keeps RUNNING with the new input.
        var meanwhile = await H.GetAsync(id);
        meanwhile.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);
        meanwhile.WorkflowState.Input.Should().Be("2");
        await worker.CompleteTurnAsync(turn2, ScriptedWorker.Complete(1, "\"end\""));
        (await H.WaitForCompletionAsync(id)).WorkflowState.Output.Should().Be("\"end\"");
    }

    [Fact]
    public async Task New_events_beyond_numEventsProcessed_stay_for_the_next_turn()
    {
        var id = await H.StartAsync("Partial", null, scheduledStart: DateTimeOffset.UtcNow.AddSeconds(1));
        await H.RaiseAsync(id, "one", "1");
        await H.RaiseAsync(id, "two", "2");
        await using var worker = H.ConnectWorker();
        var turn1 = await worker.NextTurnAsync(id);
        turn1.WorkflowRequest.NewEvents.Should().HaveCount(4);

        // numEventsProcessed counts newEvents from the start (orchestratorStarted, executionStarted, "one"); "two" is not recorded.
        var partial = new WorkflowResponse { InstanceId = id, CompletionToken = turn1.CompletionToken, NumEventsProcessed = 3 };
        await H.Client.CompleteWorkflowTaskAsync(partial).ResponseAsync;

        var turn2 = await worker.NextTurnAsync(id);
        turn2.WorkflowRequest.PastEvents.Where(e => e.EventTypeCase == EventType.EventRaised).Select(e => e.EventRaised.Name).Should().Equal("one");
        turn2.WorkflowRequest.NewEvents.Where(e => e.EventTypeCase == EventType.EventRaised).Select(e => e.EventRaised.Name).Should().Equal("two");
        await worker.CompleteTurnAsync(turn2, ScriptedWorker.Complete(0, null));
    }

    [Fact]
    public async Task A_turn_can_be_completed_through_the_Dapr_1_18_name_CompleteWorkflowTask()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Renamed", null);
        var turn = await worker.NextTurnAsync(id);
        var response = new WorkflowResponse { InstanceId = id, CompletionToken = turn.CompletionToken };
        response.Actions.Add(ScriptedWorker.Complete(0, "\"new name\""));
        await H.Client.CompleteWorkflowTaskAsync(response);
        (await H.WaitForCompletionAsync(id)).WorkflowState.Output.Should().Be("\"new name\"");
    }

    [Fact]
    public async Task Sent_events_are_recorded_as_eventSent_and_raised_on_the_target()
    {
        await using var worker = H.ConnectWorker();
        var target = await H.StartAsync("Target", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(target));
        var sender = await H.StartAsync("Sender", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(sender), new WorkflowAction
        {
            Id = 0,
            SendEvent = new SendEventAction { Instance = new WorkflowInstance { InstanceId = target }, Name = "ping", Data = "\"hi\"" },
        }, ScriptedWorker.Complete(1, null));

        var targetTurn = await worker.NextTurnAsync(target);
        var raised = targetTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised).EventRaised;
        (raised.Name, raised.Input).Should().Be(("ping", "\"hi\""));
        await worker.CompleteTurnAsync(targetTurn, ScriptedWorker.Complete(0, null));
        (await H.WaitForCompletionAsync(sender)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
    }
}
