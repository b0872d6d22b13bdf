using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;
using EventType = DaprPlatform.Grpc.TaskHub.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// Each TaskHubSidecarService RPC's behaviour (dapr-protocol.md §3.2; https://docs.dapr.io/reference/api/workflow_api/ for the
/// management rules), plus completion tokens and work redispatched after a worker's stream drops.
/// </summary>
public sealed class TaskHubManagementTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    private Task<TResponse> Call<TRequest, TResponse>(string method, TRequest request, Google.Protobuf.MessageParser<TResponse> parser)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : class, Google.Protobuf.IMessage<TResponse>
        => H.Grpc.UnaryAsync(method, request, parser);

    private async Task<GrpcStatusCode> StatusOf(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<GrpcCallException>(call);
        return ex.Status;
    }

    [Fact]
    public async Task Hello_answers_and_unknown_methods_are_unimplemented()
    {
        (await Call(TaskHubMethods.Hello, new Empty(), Empty.Parser)).Should().NotBeNull();

        // A gRPC server answers methods it does not serve with UNIMPLEMENTED (e.g. the Microsoft-only entity RPCs).
        (await StatusOf(() => Call("/TaskHubSidecarService/SignalEntity", new Empty(), Empty.Parser))).Should().Be(GrpcStatusCode.Unimplemented);
    }

    [Fact]
    public async Task StartInstance_generates_an_id_validates_given_ones_and_refuses_an_active_duplicate()
    {
        var generated = (await Call(TaskHubMethods.StartInstance, new CreateInstanceRequest { Name = "Any" }, CreateInstanceResponse.Parser)).InstanceId;
        Guid.TryParse(generated, out _).Should().BeTrue("Dapr generates a uuid when no instance id is given");

        // Instance ids: letters, digits, '-' and '_', at most 64 characters.
        (await StatusOf(() => H.StartAsync("Any", null, "bad id!"))).Should().Be(GrpcStatusCode.InvalidArgument);
        (await StatusOf(() => H.StartAsync("Any", null, new string('a', 65)))).Should().Be(GrpcStatusCode.InvalidArgument);
        (await StatusOf(() => Call(TaskHubMethods.StartInstance, new CreateInstanceRequest { InstanceId = "no-name" }, CreateInstanceResponse.Parser)))
            .Should().Be(GrpcStatusCode.InvalidArgument);

        // Dapr refuses to reuse the id of an unfinished workflow ("an active workflow with ID … already exists")…
        var id = await H.StartAsync("Reused", "1");
        (await StatusOf(() => H.StartAsync("Reused", "2", id))).Should().Be(GrpcStatusCode.AlreadyExists);

        // …but a finished one is replaced by the new run.
        await Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = id }, TerminateResponse.Parser);
        (await H.StartAsync("Reused", "3", id)).Should().Be(id);
        var restarted = await H.GetAsync(id);
        restarted.OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Pending);
        restarted.OrchestrationState.Input.Should().Be("3");
    }

    [Fact]
    public async Task GetInstance_reports_state_and_payloads_only_when_asked()
    {
        var missing = await Call(TaskHubMethods.GetInstance, new GetInstanceRequest { InstanceId = "never-started" }, GetInstanceResponse.Parser);
        missing.Exists.Should().BeFalse();

        var id = await H.StartAsync("Described", "\"input\"");
        var bare = await Call(TaskHubMethods.GetInstance, new GetInstanceRequest { InstanceId = id }, GetInstanceResponse.Parser);
        bare.Exists.Should().BeTrue();
        bare.OrchestrationState.Name.Should().Be("Described");
        bare.OrchestrationState.InstanceId.Should().Be(id);
        bare.OrchestrationState.Input.Should().BeNull();
        bare.OrchestrationState.CreatedTimestamp.Should().NotBeNull();

        // Not started by a worker yet: PENDING.
        var full = await H.GetAsync(id);
        full.OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Pending);
        full.OrchestrationState.Input.Should().Be("\"input\"");
    }

    [Fact]
    public async Task A_start_scheduled_for_later_stays_PENDING_until_then()
    {
        var at = DateTimeOffset.UtcNow.AddHours(1);
        var id = await H.StartAsync("Later", null, scheduledStart: at);
        var state = (await H.GetAsync(id)).OrchestrationState;
        state.OrchestrationStatus.Should().Be(OrchestrationStatus.Pending);
        state.ScheduledStartTimestamp.ToDateTimeOffset().Should().BeCloseTo(at, TimeSpan.FromMilliseconds(1));
        await Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = id }, TerminateResponse.Parser);
    }

    [Fact]
    public async Task WaitForInstanceStart_and_Completion_block_until_the_state_is_reached_and_honour_the_deadline()
    {
        var id = await H.StartAsync("Waited", null);

        // Nothing is connected: the instance cannot start, so the call ends at its deadline.
        (await StatusOf(() => H.Grpc.UnaryAsync(TaskHubMethods.WaitForInstanceStart, new GetInstanceRequest { InstanceId = id }, GetInstanceResponse.Parser,
            new GrpcCallOptions { Deadline = TimeSpan.FromMilliseconds(500) })))
            .Should().Be(GrpcStatusCode.DeadlineExceeded);

        var waitStart = H.Grpc.UnaryAsync(TaskHubMethods.WaitForInstanceStart, new GetInstanceRequest { InstanceId = id }, GetInstanceResponse.Parser,
            new GrpcCallOptions { Deadline = TimeSpan.FromSeconds(30) });
        var waitEnd = H.WaitForCompletionAsync(id);
        await using var worker = H.ConnectWorker();
        var turn = await worker.NextTurnAsync(id);
        await worker.CompleteTurnAsync(turn);
        (await waitStart).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Running);
        waitEnd.IsCompleted.Should().BeFalse("the workflow is still running");

        await worker.CompleteTurnAsync(await RaiseAndTakeTurn(worker, id), ScriptedWorker.Complete(0, "\"ok\""));
        (await waitEnd).OrchestrationState.Output.Should().Be("\"ok\"");
    }

    private async Task<WorkItem> RaiseAndTakeTurn(ScriptedWorker worker, string id)
    {
        await H.RaiseAsync(id, "go", null);
        return await worker.NextTurnAsync(id);
    }

    [Fact]
    public async Task RaiseEvent_on_an_unknown_instance_is_NotFound()
    {
        (await StatusOf(() => H.RaiseAsync("nobody-home", "x", null))).Should().Be(GrpcStatusCode.NotFound);
        (await StatusOf(() => Call(TaskHubMethods.SuspendInstance, new SuspendRequest { InstanceId = "nobody-home" }, SuspendResponse.Parser))).Should().Be(GrpcStatusCode.NotFound);
        (await StatusOf(() => Call(TaskHubMethods.ResumeInstance, new ResumeRequest { InstanceId = "nobody-home" }, ResumeResponse.Parser))).Should().Be(GrpcStatusCode.NotFound);
        (await StatusOf(() => Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = "nobody-home" }, TerminateResponse.Parser))).Should().Be(GrpcStatusCode.NotFound);
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
        var terminating = Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = p1, Output = "\"stop\"", Recursive = true }, TerminateResponse.Parser);
        var last = await worker.NextTurnAsync(p1);
        var terminated = last.OrchestratorRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionTerminated).ExecutionTerminated;
        (terminated.Input, terminated.Recurse).Should().Be(("\"stop\"", true));
        await worker.CompleteTurnAsync(last, new OrchestratorAction
        {
            Id = 1,
            CompleteOrchestration = new CompleteOrchestrationAction { OrchestrationStatus = OrchestrationStatus.Terminated, Result = terminated.Input },
        });
        await terminating;
        var parentState = (await H.GetAsync(p1)).OrchestrationState;
        parentState.OrchestrationStatus.Should().Be(OrchestrationStatus.Terminated);
        parentState.Output.Should().Be("\"stop\"");

        // The child's termination follows the parent's; a worker that ignores executionTerminated does not keep it alive.
        var childLast = await worker.NextTurnAsync(c1);
        childLast.OrchestratorRequest.NewEvents.Should().Contain(e => e.EventTypeCase == EventType.ExecutionTerminated);
        await worker.CompleteTurnAsync(childLast);
        var childState = (await H.StatusBecomesAsync(c1, OrchestrationStatus.Terminated)).OrchestrationState;
        childState.Output.Should().Be("\"stop\"");

        var (p2, c2) = await ParentWithRunningChild();
        terminating = Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = p2, Recursive = false }, TerminateResponse.Parser);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(p2));
        await terminating;
        (await H.GetAsync(p2)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Terminated);
        await Call(TaskHubMethods.Hello, new Empty(), Empty.Parser);
        worker.HasPendingItemFor(c2).Should().BeFalse("a non-recursive terminate leaves the child alone");
        (await H.GetAsync(c2)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Running);

        // Terminating a finished workflow changes nothing.
        await Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = p2, Output = "\"again\"" }, TerminateResponse.Parser);
        (await H.GetAsync(p2)).OrchestrationState.Output.Should().BeNull();
    }

    [Fact]
    public async Task A_workflow_no_worker_has_started_is_terminated_at_once()
    {
        var id = await H.StartAsync("NeverRan", null);
        await Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = id, Output = "\"cancelled\"" }, TerminateResponse.Parser);
        var state = (await H.GetAsync(id)).OrchestrationState;
        state.OrchestrationStatus.Should().Be(OrchestrationStatus.Terminated);
        state.Output.Should().Be("\"cancelled\"");
    }

    [Fact]
    public async Task A_suspended_workflow_gets_no_turns_and_its_events_wait_until_it_is_resumed()
    {
        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Pausable", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id));
        await H.StatusBecomesAsync(id, OrchestrationStatus.Running);

        await Call(TaskHubMethods.SuspendInstance, new SuspendRequest { InstanceId = id }, SuspendResponse.Parser);
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Suspended);
        await H.RaiseAsync(id, "while-paused", "1");

        // Docs (pause): a suspended workflow does not run; a Hello round trip gives the dispatcher a chance to (wrongly) send a turn.
        await Call(TaskHubMethods.Hello, new Empty(), Empty.Parser);
        worker.HasPendingItemFor(id).Should().BeFalse();
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Suspended);

        await Call(TaskHubMethods.ResumeInstance, new ResumeRequest { InstanceId = id }, ResumeResponse.Parser);
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Running);
        var turn = await worker.NextTurnAsync(id);
        turn.OrchestratorRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised).EventRaised.Name.Should().Be("while-paused");
        await worker.CompleteTurnAsync(turn);

        // A suspended workflow can still be terminated: its only turn carries executionTerminated, not the waiting events.
        await Call(TaskHubMethods.SuspendInstance, new SuspendRequest { InstanceId = id }, SuspendResponse.Parser);
        await H.RaiseAsync(id, "ignored", null);
        var terminating = Call(TaskHubMethods.TerminateInstance, new TerminateRequest { InstanceId = id }, TerminateResponse.Parser);
        var last = await worker.NextTurnAsync(id);
        last.OrchestratorRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.OrchestratorStarted, EventType.ExecutionTerminated);
        await worker.CompleteTurnAsync(last);
        await terminating;
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Terminated);
    }

    [Fact]
    public async Task Purge_deletes_only_finished_instances_and_with_recursive_their_children()
    {
        await using var worker = H.ConnectWorker();
        var parent = await H.StartAsync("Parent", null);
        var child = WorkflowHarness.NewInstanceId("child");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.CreateChild(0, child, "Child", null));

        // Docs (purge): only COMPLETED, FAILED or TERMINATED workflows can be purged.
        (await StatusOf(() => Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = parent }, PurgeInstancesResponse.Parser)))
            .Should().Be(GrpcStatusCode.FailedPrecondition);
        (await StatusOf(() => Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "nobody-home" }, PurgeInstancesResponse.Parser)))
            .Should().Be(GrpcStatusCode.NotFound);

        // A recursive purge (what Dapr.Workflow sends) fails with durabletask-go's plain errors, which gRPC reports as UNKNOWN.
        (await StatusOf(() => Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = parent, Recursive = true }, PurgeInstancesResponse.Parser)))
            .Should().Be(GrpcStatusCode.Unknown);
        (await StatusOf(() => Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "nobody-home", Recursive = true }, PurgeInstancesResponse.Parser)))
            .Should().Be(GrpcStatusCode.Unknown);

        // durabletask-go, which daprd serves, does not implement purging by filter.
        (await StatusOf(() => Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { PurgeInstanceFilter = new PurgeInstanceFilter() }, PurgeInstancesResponse.Parser)))
            .Should().Be(GrpcStatusCode.Unknown);

        await worker.CompleteTurnAsync(await worker.NextTurnAsync(child), ScriptedWorker.Complete(0, null));
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(parent), ScriptedWorker.Complete(1, null));
        await H.StatusBecomesAsync(parent, OrchestrationStatus.Completed);

        var purged = await Call(TaskHubMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = parent, Recursive = true }, PurgeInstancesResponse.Parser);
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
        var stale = new OrchestratorResponse { InstanceId = id, CompletionToken = Guid.NewGuid().ToString() };
        stale.Actions.Add(ScriptedWorker.Complete(0, "\"stale\""));
        await Call(TaskHubMethods.CompleteOrchestratorTask, stale, CompleteTaskResponse.Parser);
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Pending);

        // An empty token is accepted.
        var accepted = new OrchestratorResponse { InstanceId = id, CompletionToken = "" };
        accepted.Actions.Add(ScriptedWorker.ScheduleTask(0, "Act", null));
        await Call(TaskHubMethods.CompleteOrchestratorTask, accepted, CompleteTaskResponse.Parser);
        var activity = await worker.NextActivityAsync(id);
        activity.ActivityRequest.TaskId.Should().Be(0);

        // The original (now used) token is stale too: a duplicate completion records nothing twice.
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Complete(1, "\"duplicate\""));
        (await H.GetAsync(id)).OrchestrationState.OrchestrationStatus.Should().Be(OrchestrationStatus.Running);

        var staleActivity = new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"stale\"", CompletionToken = "not-the-token" };
        await Call(TaskHubMethods.CompleteActivityTask, staleActivity, CompleteTaskResponse.Parser);
        worker.HasPendingItemFor(id).Should().BeFalse();
        await Call(TaskHubMethods.CompleteActivityTask, new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"fresh\"" }, CompleteTaskResponse.Parser);
        var next = await worker.NextTurnAsync(id);
        next.OrchestratorRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted).TaskCompleted.Result.Should().Be("\"fresh\"");
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
        again.OrchestratorRequest.NewEvents.Select(e => e.EventTypeCase).Should().Equal(EventType.OrchestratorStarted, EventType.ExecutionStarted);

        // The lost worker's late completion carries the old token: stale.
        await worker.CompleteTurnAsync(first, ScriptedWorker.Complete(0, "\"late\""));
        await worker.CompleteTurnAsync(again, ScriptedWorker.Complete(0, "\"current\""));
        (await H.WaitForCompletionAsync(id)).OrchestrationState.Output.Should().Be("\"current\"");
    }
}
