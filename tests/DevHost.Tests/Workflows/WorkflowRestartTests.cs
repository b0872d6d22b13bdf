using Dapr.DurableTask.Protobuf;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>Instances, history and pending work live in Postgres: a DevHost restart in the middle of a workflow resumes it.</summary>
public sealed class WorkflowRestartTests : IAsyncLifetime
{
    private WorkflowHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await WorkflowHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_restart_mid_workflow_redispatches_unfinished_work_with_fresh_tokens_and_the_workflow_completes()
    {
        var h = _harness;
        var id = await h.StartAsync("Durable", "\"go\"");
        var waitingForEvent = await h.StartAsync("Waiting", null);
        WorkItem activityBefore;
        await using (var worker = h.ConnectWorker())
        {
            await worker.CompleteTurnAsync(await worker.NextTurnAsync(id), ScriptedWorker.ScheduleTask(0, "Slow", "1"));
            activityBefore = await worker.NextActivityAsync(id);
            await worker.CompleteTurnAsync(await worker.NextTurnAsync(waitingForEvent));
            await h.StatusBecomesAsync(waitingForEvent, OrchestrationStatus.Running);
        }

        // The activity never completed and an event arrives just before the host goes down.
        await h.RaiseAsync(waitingForEvent, "late", "\"x\"");
        await h.Files.RestartAsync();

        await using var after = h.ConnectWorker();
        var activity = await after.NextActivityAsync(id);
        activity.ActivityRequest.TaskId.Should().Be(0);
        activity.ActivityRequest.Input.Should().Be("1");
        activity.CompletionToken.Should().NotBe(activityBefore.CompletionToken);
        await after.CompleteActivityAsync(activity, "\"result\"");

        var turn = await after.NextTurnAsync(id);
        turn.WorkflowRequest.PastEvents.Select(e => e.EventTypeCase)
            .Should().Equal(EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.WorkflowCompleted);
        turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.TaskCompleted).TaskCompleted.Result.Should().Be("\"result\"");
        await after.CompleteTurnAsync(turn, ScriptedWorker.Complete(1, "\"finished\""));
        var final = await h.WaitForCompletionAsync(id);
        final.WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
        final.WorkflowState.Output.Should().Be("\"finished\"");

        var eventTurn = await after.NextTurnAsync(waitingForEvent);
        eventTurn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised).EventRaised.Name.Should().Be("late");
        await after.CompleteTurnAsync(eventTurn, ScriptedWorker.Complete(0, null));
        (await h.WaitForCompletionAsync(waitingForEvent)).WorkflowState.WorkflowStatus.Should().Be(OrchestrationStatus.Completed);
    }
}
