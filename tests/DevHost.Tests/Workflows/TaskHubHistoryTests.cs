using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// The rpcs daprd 1.19 serves beyond durabletask's classic set: GetInstanceHistory and RerunWorkflowFromEvent
/// (pkg/runtime/wfengine/backends/actors/actors.go, pkg/actors/targets/workflow/orchestrator/fork/fork.go).
/// </summary>
public sealed class TaskHubHistoryTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    private static async Task<StatusCode> StatusOf(Func<Task> call) => (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;

    [Fact]
    public async Task GetInstanceHistory_returns_the_recorded_events_and_NotFound_for_an_unknown_instance()
    {
        (await StatusOf(() => H.Client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = "nobody-home" }).ResponseAsync))
            .Should().Be(StatusCode.NotFound);

        await using var worker = H.ConnectWorker();
        var id = await H.StartAsync("Recorded", "1");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id), ScriptedWorker.Complete(0, "2"));
        await H.WaitForCompletionAsync(id);
        var history = await H.Client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = id });
        history.Events.Select(e => e.EventTypeCase)
            .Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.ExecutionCompleted, EventType.WorkflowCompleted);
    }

    [Fact]
    public async Task Rerun_forks_a_finished_workflow_from_an_activity_with_a_new_input_and_runs_it_again()
    {
        await using var worker = H.ConnectWorker();
        var source = await H.StartAsync("Twice", null);
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(source), ScriptedWorker.ScheduleTask(0, "First", "\"a\""));
        await worker.CompleteActivityAsync(await worker.NextActivityAsync(source), "\"A\"");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(source), ScriptedWorker.ScheduleTask(1, "Second", "\"b\""));
        await worker.CompleteActivityAsync(await worker.NextActivityAsync(source), "\"B\"");
        var running = await H.StartAsync("Unfinished", null);
        (await StatusOf(() => Rerun(running, 0))).Should().Be(StatusCode.InvalidArgument, "only a finished workflow can be rerun");
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(source), ScriptedWorker.Complete(2, "\"done\""));
        await H.WaitForCompletionAsync(source);

        (await StatusOf(() => Rerun("nobody-home", 0))).Should().Be(StatusCode.NotFound);
        (await StatusOf(() => Rerun(source, 7))).Should().Be(StatusCode.NotFound, "there is no event 7");
        (await StatusOf(() => Rerun(source, 0, source))).Should().Be(StatusCode.InvalidArgument, "the new id must differ from the source's");

        var forked = WorkflowHarness.NewInstanceId("forked");
        var response = await Rerun(source, 1, forked, "\"b2\"");
        response.NewInstanceID.Should().Be(forked);
        (await H.GetAsync(forked)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Running);
        (await StatusOf(() => Rerun(source, 1, forked))).Should().Be(StatusCode.AlreadyExists);

        // The second activity runs again with the new input; the first one's result is kept in the history.
        var again = await worker.NextActivityAsync(forked);
        (again.ActivityRequest.Name, again.ActivityRequest.TaskId, again.ActivityRequest.Input).Should().Be(("Second", 1, "\"b2\""));
        await worker.CompleteActivityAsync(again, "\"B2\"");
        var turn = await worker.NextTurnAsync(forked);
        var past = turn.WorkflowRequest.PastEvents;
        past.Where(e => e.EventTypeCase == EventType.TaskCompleted).Select(e => e.TaskCompleted.Result).Should().Equal("\"A\"");
        past[^1].EventTypeCase.Should().Be(EventType.TaskScheduled);
        past[^1].TaskScheduled.RerunParentInstanceInfo.InstanceID.Should().Be(source);
        turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted).TaskCompleted.Result.Should().Be("\"B2\"");
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Complete(2, "\"done again\""));
        (await H.WaitForCompletionAsync(forked)).WorkflowState.Output.Should().Be("\"done again\"");
        (await H.GetAsync(source)).WorkflowState.Output.Should().Be("\"done\"", "the source is left as it was");
    }

    private Task<RerunWorkflowFromEventResponse> Rerun(string source, uint eventId, string? newId = null, string? input = null)
    {
        var request = new RerunWorkflowFromEventRequest { SourceInstanceID = source, EventID = eventId };
        if (newId is not null) { request.NewInstanceID = newId; }
        if (input is not null) { (request.Input, request.OverwriteInput) = (input, true); }
        return H.Client.RerunWorkflowFromEventAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
    }
}

/// <summary>ListInstanceIDs pages through all of the app's instances (a class of its own, so its harness has no other instances).</summary>
public sealed class TaskHubListingTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness Harness => fixture.Harness;

    [Fact]
    public async Task ListInstanceIDs_pages_in_id_order_with_a_continuation_token_while_more_follow()
    {
        foreach (var id in new[] { "list-c", "list-a", "list-b" }) { await Harness.StartAsync("Listed", null, id); }

        var first = await Harness.Client.ListInstanceIDsAsync(new ListInstanceIDsRequest { PageSize = 2 });
        first.InstanceIds.Should().Equal("list-a", "list-b");
        first.HasContinuationToken.Should().BeTrue();
        var second = await Harness.Client.ListInstanceIDsAsync(new ListInstanceIDsRequest { PageSize = 2, ContinuationToken = first.ContinuationToken });
        second.InstanceIds.Should().Equal("list-c");
        second.HasContinuationToken.Should().BeFalse();
        (await Harness.Client.ListInstanceIDsAsync(new ListInstanceIDsRequest())).InstanceIds.Should().Equal("list-a", "list-b", "list-c");
    }
}
