using Grpc.Core;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// Each TaskHubSidecarService RPC's behaviour (dapr-protocol.md §3.2; https://docs.dapr.io/reference/api/workflow_api/ for the
/// management rules), plus completion tokens and work redispatched after a worker's stream drops.
/// </summary>
public sealed class TaskHubManagementTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    private async Task<StatusCode> StatusOf(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        return ex.StatusCode;
    }

    [Fact]
    public async Task Hello_answers_and_unknown_methods_are_unimplemented()
    {
        (await H.Client.HelloAsync(new Empty()).ResponseAsync).Should().NotBeNull();

        // A gRPC server answers methods it does not serve with UNIMPLEMENTED (e.g. the Microsoft-only entity RPCs).
        (await StatusOf(() => H.CallUnlistedAsync("SignalEntity", new Empty()))).Should().Be(StatusCode.Unimplemented);
    }

    [Fact]
    public async Task StartInstance_generates_an_id_validates_given_ones_and_refuses_an_active_duplicate()
    {
        var generated = (await H.Client.StartInstanceAsync(new CreateInstanceRequest { Name = "Any" }).ResponseAsync).InstanceId;
        Guid.TryParse(generated, out _).Should().BeTrue("Dapr generates a uuid when no instance id is given");

        // Instance ids: letters, digits, '-' and '_', at most 64 characters.
        (await StatusOf(() => H.StartAsync("Any", null, "bad id!"))).Should().Be(StatusCode.InvalidArgument);
        (await StatusOf(() => H.StartAsync("Any", null, new string('a', 65)))).Should().Be(StatusCode.InvalidArgument);
        (await StatusOf(() => H.Client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "no-name" }).ResponseAsync))
            .Should().Be(StatusCode.InvalidArgument);

        // Dapr refuses to reuse the id of an unfinished workflow ("an active workflow with ID … already exists")…
        var id = await H.StartAsync("Reused", "1");
        (await StatusOf(() => H.StartAsync("Reused", "2", id))).Should().Be(StatusCode.AlreadyExists);

        // …but a finished one is replaced by the new run.
        await H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = id }).ResponseAsync;
        (await H.StartAsync("Reused", "3", id)).Should().Be(id);
        var restarted = await H.GetAsync(id);
        restarted.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Pending);
        restarted.WorkflowState.Input.Should().Be("3");
    }

    [Fact]
    public async Task GetInstance_reports_state_and_payloads_only_when_asked()
    {
        var missing = await H.Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "never-started" }).ResponseAsync;
        missing.Exists.Should().BeFalse();

        var id = await H.StartAsync("Described", "\"input\"");
        var bare = await H.Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = id }).ResponseAsync;
        bare.Exists.Should().BeTrue();
        bare.WorkflowState.Name.Should().Be("Described");
        bare.WorkflowState.InstanceId.Should().Be(id);
        bare.WorkflowState.Input.Should().BeNull();
        bare.WorkflowState.CreatedTimestamp.Should().NotBeNull();

        // Not started by a worker yet: PENDING.
        var full = await H.GetAsync(id);
        full.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Pending);
        full.WorkflowState.Input.Should().Be("\"input\"");
    }

    [Fact]
    public async Task A_start_scheduled_for_later_stays_PENDING_until_then()
    {
        var at = DateTimeOffset.UtcNow.AddHours(1);
        var id = await H.StartAsync("Later", null, scheduledStart: at);
        var state = (await H.GetAsync(id)).WorkflowState;
        state.WorkflowStatus.Should().Be(OrchestrationStatus.Pending);
        state.ScheduledStartTimestamp.ToDateTimeOffset().Should().BeCloseTo(at, TimeSpan.FromMilliseconds(1));
        await H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = id }).ResponseAsync;
    }

    [Fact]
    public async Task WaitForInstanceStart_and_Completion_block_until_the_state_is_reached_and_honour_the_deadline()
    {
        var id = await H.StartAsync("Waited", null);

        // Nothing is connected: the instance cannot start, so the call ends at its deadline.
        (await StatusOf(() => H.Client.WaitForInstanceStartAsync(new GetInstanceRequest { InstanceId = id },
            deadline: DateTime.UtcNow.AddMilliseconds(500)).ResponseAsync))
            .Should().Be(StatusCode.DeadlineExceeded);

        var waitStart = H.Client.WaitForInstanceStartAsync(new GetInstanceRequest { InstanceId = id }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        var waitEnd = H.WaitForCompletionAsync(id);
        await using var worker = H.ConnectWorker();
        var turn = await worker.NextTurnAsync(id);
        await worker.CompleteTurnAsync(turn);
        (await waitStart).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);
        waitEnd.IsCompleted.Should().BeFalse("the workflow is still running");

        await worker.CompleteTurnAsync(await RaiseAndTakeTurn(worker, id), ScriptedWorker.Complete(0, "\"ok\""));
        (await waitEnd).WorkflowState.Output.Should().Be("\"ok\"");
    }

    private async Task<WorkItem> RaiseAndTakeTurn(ScriptedWorker worker, string id)
    {
        await H.RaiseAsync(id, "go", null);
        return await worker.NextTurnAsync(id);
    }

    [Fact]
    public async Task RaiseEvent_on_an_unknown_instance_is_NotFound()
    {
        (await StatusOf(() => H.RaiseAsync("nobody-home", "x", null))).Should().Be(StatusCode.NotFound);
        (await StatusOf(() => H.Client.SuspendInstanceAsync(new SuspendRequest { InstanceId = "nobody-home" }).ResponseAsync)).Should().Be(StatusCode.NotFound);
        (await StatusOf(() => H.Client.ResumeInstanceAsync(new ResumeRequest { InstanceId = "nobody-home" }).ResponseAsync)).Should().Be(StatusCode.NotFound);
        (await StatusOf(() => H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = "nobody-home" }).ResponseAsync)).Should().Be(StatusCode.NotFound);
    }

    [Fact]
    public async Task Terminate_gives_the_worker_a_last_turn_and_with_recursive_then_ends_unfinished_children()
    {
        await using var worker = H.ConnectWorker();
        async Task<(string Parent, string Child)> ParentWithRunningChild()
        {
            var parent = await H.StartAsync("Parent", null);
            var child = WorkflowHarness.NewInstanceId("child");
            await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.CreateChild(0, child, "Child", null));
            await worker.CompleteTurnAsync(await worker.NextTurnAsync(child));
            await H.StatusBecomesAsync(child, OrchestrationStatus.Running);
            return (parent, child);
        }

        // durabletask-go: TerminateInstance queues executionTerminated, the worker's next turn ends the workflow as TERMINATED, and
        // the call returns once the workflow has ended. Docs (terminate): recursive terminate also terminates child workflows.
        var (p1, c1) = await ParentWithRunningChild();
        var terminating = H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = p1, Output = "\"stop\"", Recursive = true }).ResponseAsync;
        var last = await worker.NextTurnAsync(p1);
        var terminated = last.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionTerminated).ExecutionTerminated;
        (terminated.Input, terminated.Recurse).Should().Be(("\"stop\"", true));
        await worker.CompleteTurnAsync(last, new WorkflowAction
        {
            Id = 1,
            CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Terminated, Result = terminated.Input },
        });
        await terminating;
        var parentState = (await H.GetAsync(p1)).WorkflowState;
        parentState.WorkflowStatus.Should().Be(OrchestrationStatus.Terminated);
        parentState.Output.Should().Be("\"stop\"");

        // The child's termination follows the parent's; a worker that ignores executionTerminated does not keep it alive.
        var childLast = await worker.NextTurnAsync(c1);
        childLast.WorkflowRequest.NewEvents.Should().Contain(e => e.EventTypeCase == EventType.ExecutionTerminated);
        await worker.CompleteTurnAsync(childLast);
        var childState = (await H.StatusBecomesAsync(c1, OrchestrationStatus.Terminated)).WorkflowState;
        childState.Output.Should().Be("\"stop\"");

        var (p2, c2) = await ParentWithRunningChild();
        terminating = H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = p2, Recursive = false }).ResponseAsync;
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(p2));
        await terminating;
        (await H.GetAsync(p2)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Terminated);
        await H.Client.HelloAsync(new Empty()).ResponseAsync;
        worker.HasPendingItemFor(c2).Should().BeFalse("a non-recursive terminate leaves the child alone");
        (await H.GetAsync(c2)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);

        // Terminating a finished workflow changes nothing.
        await H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = p2, Output = "\"again\"" }).ResponseAsync;
        (await H.GetAsync(p2)).WorkflowState.Output.Should().BeNull();
    }

    [Fact]
    public async Task A_workflow_no_worker_has_started_is_terminated_at_once()
    {
        var id = await H.StartAsync("NeverRan", null);
        await H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = id, Output = "\"cancelled\"" }).ResponseAsync;
        var state = (await H.GetAsync(id)).WorkflowState;
        state.WorkflowStatus.Should().Be(OrchestrationStatus.Terminated);
        state.Output.Should().Be("\"cancelled\"");
    }

    [Fact]
    public async Task A_suspended_workflow_gets_no_turns_and_its_events_wait_until_it_is_resumed()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Pausable", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id));
        await H.StatusBecomesAsync(id, OrchestrationStatus.Running);

        await H.Client.SuspendInstanceAsync(new SuspendRequest { InstanceId = id }).ResponseAsync;
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Suspended);
        await H.RaiseAsync(id, "while-paused", "1");

        // Docs (pause): a suspended workflow does not run; a Hello round trip gives the dispatcher a chance to (wrongly) send a turn.
        await H.Client.HelloAsync(new Empty()).ResponseAsync;
        worker.HasPendingItemFor(id).Should().BeFalse();
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Suspended);

        await H.Client.ResumeInstanceAsync(new ResumeRequest { InstanceId = id }).ResponseAsync;
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);
        var turn = await worker.NextTurnAsync(id);
        turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised).EventRaised.Name.Should().Be("while-paused");
        await worker.CompleteTurnAsync(turn);

        // A suspended workflow can still be terminated: its only turn carries executionTerminated, not the waiting events.
        await H.Client.SuspendInstanceAsync(new SuspendRequest { InstanceId = id }).ResponseAsync;
        await H.RaiseAsync(id, "ignored", null);
        var terminating = H.Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = id }).ResponseAsync;
        var last = await worker.NextTurnAsync(id);
        last.WorkflowRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionTerminated);
        await worker.CompleteTurnAsync(last);
        await terminating;
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Terminated);
    }

    [Fact]
    public async Task Purge_deletes_only_finished_instances_and_with_recursive_their_children()
    {
        await using var worker = H.ConnectWorker();
        var parent = await H.StartAsync("Parent", null);
        var child = WorkflowHarness.NewInstanceId("child");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.CreateChild(0, child, "Child", null));

        // Docs (purge): only COMPLETED, FAILED or TERMINATED workflows can be purged.
        (await StatusOf(() => H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = parent }).ResponseAsync))
            .Should().Be(StatusCode.FailedPrecondition);
        (await StatusOf(() => H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = "nobody-home" }).ResponseAsync))
            .Should().Be(StatusCode.NotFound);

        // A recursive purge (what Dapr.Workflow sends) fails with durabletask-go's plain errors, which gRPC reports as UNKNOWN.
        (await StatusOf(() => H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = parent, Recursive = true }).ResponseAsync))
            .Should().Be(StatusCode.Unknown);
        (await StatusOf(() => H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = "nobody-home", Recursive = true }).ResponseAsync))
            .Should().Be(StatusCode.Unknown);

        // durabletask-go, which daprd serves, does not implement purging by filter.
        (await StatusOf(() => H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { PurgeInstanceFilter = new PurgeInstanceFilter() }).ResponseAsync))
            .Should().Be(StatusCode.Unknown);

        await worker.CompleteTurnAsync(await worker.NextTurnAsync(child), ScriptedWorker.Complete(0, null));
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.Complete(1, null));
        await H.StatusBecomesAsync(parent, OrchestrationStatus.Completed);

        var purged = await H.Client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = parent, Recursive = true }).ResponseAsync;
        purged.DeletedInstanceCount.Should().Be(2);
        (await H.GetAsync(parent)).Exists.Should().BeFalse();
        (await H.GetAsync(child)).Exists.Should().BeFalse();
    }

    [Fact]
    public async Task A_completion_with_another_token_is_stale_and_ignored_and_an_empty_token_is_accepted()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Tokens", null);
        var turn = await worker.NextTurnAsync(id);

        // Protocol rule: a completion whose non-empty token is not the dispatched one is discarded.
        var stale = new WorkflowResponse { InstanceId = id, CompletionToken = Guid.NewGuid().ToString() };
        stale.Actions.Add(ScriptedWorker.Complete(0, "\"stale\""));
        await H.Client.CompleteWorkflowTaskAsync(stale).ResponseAsync;
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Pending);

        // An empty token is accepted.
        var accepted = new WorkflowResponse { InstanceId = id, CompletionToken = "" };
        accepted.Actions.Add(ScriptedWorker.ScheduleTask(0, "Act", null));
        await H.Client.CompleteWorkflowTaskAsync(accepted).ResponseAsync;
        var activity = await worker.NextActivityAsync(id);
        activity.ActivityRequest.TaskId.Should().Be(0);

        // The original (now used) token is stale too: a duplicate completion records nothing twice.
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Complete(1, "\"duplicate\""));
        (await H.GetAsync(id)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);

        var staleActivity = new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"stale\"", CompletionToken = "not-the-token" };
        await H.Client.CompleteActivityTaskAsync(staleActivity).ResponseAsync;
        worker.HasPendingItemFor(id).Should().BeFalse();
        await H.Client.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"fresh\"" }).ResponseAsync;
        var next = await worker.NextTurnAsync(id);
        next.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted).TaskCompleted.Result.Should().Be("\"fresh\"");
        await worker.CompleteTurnAsync(next, ScriptedWorker.Complete(1, null));
    }

    [Fact]
    public async Task Work_in_flight_on_a_dropped_stream_is_dispatched_again_with_a_fresh_token()
    {
        var id = await H.StartAsync("Dropped", null);
        WorkItem first;
        await using (var lost = H.ConnectWorker())
        {
            first = await lost.NextTurnAsync(id);
        }

        await using var worker = H.ConnectWorker();
        var again = await worker.NextTurnAsync(id);
        again.CompletionToken.Should().NotBe(first.CompletionToken);
        again.WorkflowRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted);

        // The lost worker's late completion carries the old token: stale.
        await worker.CompleteTurnAsync(first, ScriptedWorker.Complete(0, "\"late\""));
        await worker.CompleteTurnAsync(again, ScriptedWorker.Complete(0, "\"current\""));
        (await H.WaitForCompletionAsync(id)).WorkflowState.Output.Should().Be("\"current\"");
    }
}
