using System.Net.Http.Json;
using Dapr.Workflow;

namespace DaprPlatform.Conformance.Tests;

/// <summary>
/// Dapr.Workflow end to end: the worker inside sdk-app (AddDaprWorkflow) and DaprWorkflowClient in the suite, both on
/// sdk-app's sidecar gRPC port (TaskHubSidecarService). Rules are durabletask's as daprd embeds it.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class WorkflowTests(ConformanceFixture fixture)
{
    private DaprWorkflowClient Client => fixture.Workflows;

    private static string NewId(string what) => what + "-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<WorkflowState> CompleteAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Client.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
    }

    private async Task<WorkflowState?> StateAsync(string instanceId) => await Client.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true);

    private Task<WorkflowState?> WaitForCustomStatusAsync(string instanceId, string status) =>
        Eventually.UntilAsync($"workflow {instanceId} to report custom status '{status}'",
            _ => StateAsync(instanceId),
            s => s is { Exists: true } && s.ReadCustomStatusAs<string>() == status,
            TimeSpan.FromSeconds(30),
            s => s is null ? "null" : $"{s.RuntimeStatus} custom={s.ReadCustomStatusAs<string>()}",
            TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task A_workflow_scheduled_for_later_stays_Pending_until_its_start_time()
    {
        var startAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Timer, NewId("scheduled"), 0, startAt);

        var pending = await StateAsync(id);
        pending!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Pending);
        pending.WorkflowName.Should().Be(WorkflowNames.Timer);

        var state = await CompleteAsync(id);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.LastUpdatedAt.Should().BeOnOrAfter(startAt.UtcDateTime.AddSeconds(-1), "it ran once its start time came");
    }

    [Fact]
    public async Task The_state_of_an_unknown_instance_does_not_exist()
    {
        var state = await StateAsync(NewId("never-started"));

        (state is null || !state.Exists).Should().BeTrue();
    }

    [Fact]
    public async Task An_activity_with_a_retry_policy_is_retried_until_it_succeeds()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Retry, NewId("retry"), new RetryInput(FailTimes: 2, MaxAttempts: 3));

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<int>().Should().Be(3);
        (await fixture.RecordsAsync("flaky:" + id)).Select(r => r.Body).Should().Equal("1", "2", "3");
    }

    [Fact]
    public async Task An_activity_that_exhausts_its_retry_policy_fails_the_workflow_with_the_activitys_error()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Retry, NewId("retry-fail"), new RetryInput(FailTimes: 5, MaxAttempts: 2));

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Failed);
        state.FailureDetails!.ErrorMessage.Should().Contain("attempt 2 fails");
        // The worker fails the workflow with the awaited task's WorkflowTaskFailedException; the sidecar keeps the type as given.
        state.FailureDetails.ErrorType.Should().Be("Dapr.Workflow.WorkflowTaskFailedException");
        (await fixture.RecordsAsync("flaky:" + id)).Select(r => r.Body).Should().Equal("1", "2");
    }

    [Fact]
    public async Task A_durable_timer_holds_the_workflow_for_its_duration()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Timer, NewId("timer"), 2);

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<double>().Should().BeGreaterThanOrEqualTo(2, "the workflow's clock moved past the timer's fire time");
    }

    [Fact]
    public async Task An_external_event_raised_while_the_workflow_waits_completes_it_and_custom_status_shows_the_wait()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Event, NewId("event"), new EventInput(DelaySeconds: 0));
        using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            (await Client.WaitForWorkflowStartAsync(id, cancellation: started.Token)).RuntimeStatus.Should().NotBe(WorkflowRuntimeStatus.Pending);
        }

        (await WaitForCustomStatusAsync(id, "waiting"))!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Running);
        await Client.RaiseEventAsync(id, "approval", "late");

        var state = await CompleteAsync(id);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.ReadOutputAs<string>().Should().Be("approved:late");
    }

    [Fact]
    public async Task An_external_event_raised_before_the_workflow_waits_for_it_is_kept_until_it_does()
    {
        // The workflow first sleeps 2 s on a timer; the event arrives meanwhile and must not be lost.
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Event, NewId("early-event"), new EventInput(DelaySeconds: 2));
        await Client.RaiseEventAsync(id, "approval", "early");

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<string>().Should().Be("approved:early");
    }

    [Fact]
    public async Task A_child_workflow_runs_as_its_own_instance_and_returns_its_result_to_the_parent()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Parent, NewId("parent"), 4);

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<int>().Should().Be(80);
        var child = await StateAsync(id + "-child");
        child.Should().NotBeNull();
        child!.WorkflowName.Should().Be(WorkflowNames.Child);
        child.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        child.ReadOutputAs<int>().Should().Be(8);
    }

    [Fact]
    public async Task ContinueAsNew_starts_the_workflow_over_with_the_new_input_until_it_returns()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.ContinueAsNew, NewId("continue"), new ContinueAsNewInput(0, 3));

        var state = await CompleteAsync(id);

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<int>().Should().Be(3);
        state.ReadInputAs<ContinueAsNewInput>().Should().Be(new ContinueAsNewInput(3, 3), "the instance's input is the last generation's");
        (await fixture.RecordsAsync("wf:" + id)).Select(r => r.Body).Should().Equal("0", "1", "2", "3");
    }

    [Fact]
    public async Task A_suspended_workflow_does_not_proceed_until_it_is_resumed()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Gate, NewId("suspend"), "gate");
        await WaitForCustomStatusAsync(id, "waiting");

        await Client.SuspendWorkflowAsync(id, "hold on");
        (await StateAsync(id))!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Suspended);
        await Client.RaiseEventAsync(id, "open", "while-suspended");
        (await StateAsync(id))!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Suspended, "events wait while the workflow is suspended");

        await Client.ResumeWorkflowAsync(id, "go on");
        var state = await CompleteAsync(id);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.ReadOutputAs<string>().Should().Be("gate:while-suspended");
    }

    [Fact]
    public async Task Starting_an_instance_id_whose_workflow_is_still_running_is_AlreadyExists()
    {
        // daprd's orchestrator refuses a create for an active instance: "an active workflow with ID … already exists",
        // gRPC AlreadyExists (pkg/actors/targets/workflow/orchestrator/create.go).
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Gate, NewId("duplicate"), "first");
        await WaitForCustomStatusAsync(id, "waiting");

        var again = await FluentActions.Awaiting(() => Client.ScheduleNewWorkflowAsync(WorkflowNames.Gate, id, "second")).Should().ThrowAsync<RpcException>();
        again.Which.StatusCode.Should().Be(StatusCode.AlreadyExists);

        await Client.RaiseEventAsync(id, "open", "once");
        (await CompleteAsync(id)).ReadOutputAs<string>().Should().Be("first:once", "the running instance was left alone");
    }

    [Fact]
    public async Task Terminate_ends_a_running_workflow_as_Terminated()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Gate, NewId("terminate"), "gate");
        await WaitForCustomStatusAsync(id, "waiting");

        await Client.TerminateWorkflowAsync(id, "stopped by the suite");

        var state = await CompleteAsync(id);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Terminated);
        // The 1.19 worker answers executionTerminated with completeWorkflow TERMINATED and no result, and the instance's
        // output is the completion's result (durabletask-go backend/runtimestate/runtimestate.go Output): the reason is not kept.
        state.ReadOutputAs<string>().Should().BeNull();
    }

    [Fact]
    public async Task Purge_deletes_a_finished_workflow_and_a_second_purge_is_an_Unknown_error()
    {
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Timer, NewId("purge"), 0);
        (await CompleteAsync(id)).RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);

        (await Client.PurgeInstanceAsync(id)).Should().BeTrue();

        var state = await StateAsync(id);
        (state is null || !state.Exists).Should().BeTrue("a purged instance no longer exists");
        // The SDK purges recursively; durabletask-go's purgeWorkflowState then fails with a plain ErrInstanceNotFound
        // ("failed to fetch workflow state: no such instance exists"), which gRPC reports as Unknown (backend/backend.go,
        // backend/executor.go PurgeInstances) — the SDK throws rather than returning false.
        var again = await FluentActions.Awaiting(() => Client.PurgeInstanceAsync(id)).Should().ThrowAsync<RpcException>();
        again.Which.StatusCode.Should().Be(StatusCode.Unknown);
    }

    [Fact]
    public async Task A_workflow_completes_after_its_worker_app_restarts_in_the_middle()
    {
        // The worker reconnects to the sidecar's work item stream; the workflow's history lives in the runtime.
        var id = await Client.ScheduleNewWorkflowAsync(WorkflowNames.Reconnect, NewId("reconnect"), "go");
        await WaitForCustomStatusAsync(id, "waiting");
        var before = await fixture.SdkAppHttp.GetFromJsonAsync<int>("/test/pid");

        await fixture.Host.RestartAppAsync(ConformanceFixture.SdkAppId);
        var after = await fixture.SdkAppHttp.GetFromJsonAsync<int>("/test/pid");
        await Client.RaiseEventAsync(id, "resume", "resumed");

        var state = await CompleteAsync(id);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed, state.FailureDetails?.ToString());
        state.ReadOutputAs<string>().Should().Be($"before@{before}|resumed|after@{after}");
    }
}
