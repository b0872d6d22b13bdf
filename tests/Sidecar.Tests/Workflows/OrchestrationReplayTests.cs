using DaprPlatform.Grpc.TaskHub;
using DaprPlatform.Sidecar.Workflows;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed class OrchestrationReplayTests
{
    [Fact]
    public void Chained_activities_get_sequential_action_ids_and_complete_with_the_last_result()
    {
        var harness = new WorkflowTestHarness(new ChainWorkflow());

        var first = harness.Start(new Greeting("ada"));
        first.ScheduledActivities.Should().Equal((0, "Greet"));
        first.Actions.Single().ScheduleTask.Input.Should().Be("\"ada\"", "inputs travel as JSON text");
        first.Status.Should().Be(WorkflowRuntimeStatus.Running);

        var second = harness.CompleteActivity(0, "hello ada");
        // Dapr rule: the action id is the eventId the sidecar records; completions refer back by taskScheduledId.
        second.ScheduledActivities.Should().Equal((1, "Shout"));

        var done = harness.CompleteActivity(1, "HELLO ADA");
        done.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        done.ReadOutputAs<string>().Should().Be("HELLO ADA");
        done.Actions.Should().ContainSingle().Which.Id.Should().Be(2, "the completion action takes the next id");
    }

    [Fact]
    public void Custom_status_is_reported_with_every_turn()
    {
        var harness = new WorkflowTestHarness(new ChainWorkflow());

        harness.Start(new Greeting("ada")).CustomStatus.Should().Be("""{"step":"greet"}""");
        harness.CompleteActivity(0, "hello").CustomStatus.Should().Be("""{"step":"shout"}""");
    }

    [Fact]
    public void Replaying_a_recorded_history_from_scratch_reaches_the_same_result()
    {
        var harness = new WorkflowTestHarness(new ChainWorkflow());
        harness.Start(new Greeting("ada"));
        harness.CompleteActivity(0, "hello ada");
        var live = harness.CompleteActivity(1, "HELLO ADA");

        var replayed = WorkflowTestHarness.Replay(new ChainWorkflow(), harness.History);

        replayed.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        replayed.SerializedOutput.Should().Be(live.SerializedOutput);
        replayed.Actions.Should().ContainSingle("every scheduled activity is already confirmed by the history");
    }

    [Fact]
    public void Is_replaying_is_true_only_while_past_events_are_applied()
    {
        var observed = new List<string>();
        var harness = new WorkflowTestHarness(() => new ReplayObservingWorkflow(observed), nameof(ReplayObservingWorkflow));

        harness.Start();
        harness.CompleteActivity(0);

        observed.Should().Equal("before:False", "before:True", "after:False");
    }

    [Fact]
    public void Current_time_is_the_latest_orchestrator_started_timestamp()
    {
        var harness = new WorkflowTestHarness(new TimerWorkflow());
        var started = harness.Now;

        var first = harness.Start(30);
        first.Timers.Should().Equal((0, started.AddMinutes(30)));

        var done = harness.FireTimer(0);
        // Dapr rule: each turn begins with orchestratorStarted, whose timestamp is the workflow's "now".
        done.ReadOutputAs<DateTime>().Should().Be(started.AddMinutes(30));
    }

    [Fact]
    public void Retry_policy_waits_on_durable_timers_with_backoff_and_gives_up_after_max_attempts()
    {
        var harness = new WorkflowTestHarness(new RetryingWorkflow(new WorkflowRetryPolicy(3, TimeSpan.FromSeconds(10), backoffCoefficient: 2)));
        var t0 = harness.Now;

        harness.Start().ScheduledActivities.Should().Equal((0, "Flaky"));
        harness.FailActivity(0, "boom 1").Timers.Should().Equal((1, t0.AddSeconds(10)));
        harness.FireTimer(1).ScheduledActivities.Should().Equal((2, "Flaky"));
        harness.FailActivity(2, "boom 2").Timers.Should().Equal((3, t0.AddSeconds(10 + 20)));
        harness.FireTimer(3).ScheduledActivities.Should().Equal((4, "Flaky"));

        var failed = harness.FailActivity(4, "boom 3");

        failed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        failed.FailureDetails!.ErrorType.Should().Be(typeof(WorkflowTaskFailedException).FullName);
        failed.FailureDetails.InnerFailure.ErrorMessage.Should().Be("boom 3", "the last attempt's failure is the cause");
        failed.Actions.Should().ContainSingle();
    }

    [Fact]
    public void Retry_policy_returns_the_first_successful_attempt()
    {
        var harness = new WorkflowTestHarness(new RetryingWorkflow(new WorkflowRetryPolicy(3, TimeSpan.FromSeconds(10))));
        harness.Start();
        harness.FailActivity(0, "transient");
        harness.FireTimer(1);

        var done = harness.CompleteActivity(2, 42);

        done.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        done.ReadOutputAs<int>().Should().Be(42);
    }

    [Fact]
    public void Retry_timeout_stops_retrying_when_the_next_attempt_would_start_too_late()
    {
        var policy = new WorkflowRetryPolicy(10, TimeSpan.FromMinutes(1), retryTimeout: TimeSpan.FromSeconds(90));
        var harness = new WorkflowTestHarness(new RetryingWorkflow(policy));
        harness.Start();
        harness.FailActivity(0, "first").Timers.Should().ContainSingle();
        harness.FireTimer(1);

        var failed = harness.FailActivity(2, "second");

        failed.Status.Should().Be(WorkflowRuntimeStatus.Failed, "a third attempt would start 2 minutes after the first, past the 90 s retry timeout");
    }

    [Fact]
    public void Non_retriable_failures_are_not_retried()
    {
        var harness = new WorkflowTestHarness(new RetryingWorkflow(new WorkflowRetryPolicy(5, TimeSpan.FromSeconds(1))));
        harness.Start();

        harness.FailActivity(0, "bad input", isNonRetriable: true).Status.Should().Be(WorkflowRuntimeStatus.Failed);
    }

    [Fact]
    public void Activity_failure_surfaces_as_workflow_task_failed_exception_with_failure_details()
    {
        var harness = new WorkflowTestHarness(new CatchingWorkflow());
        harness.Start();

        var done = harness.FailActivity(0, "card declined", errorType: "Payments.CardDeclinedException");

        done.ReadOutputAs<string>().Should().Be("compensated after Payments.CardDeclinedException: card declined");
    }

    [Fact]
    public void Unhandled_workflow_exception_fails_the_workflow_with_type_message_and_stack_trace()
    {
        var harness = new WorkflowTestHarness(new ThrowingWorkflow());

        var failed = harness.Start("input-1");

        failed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        failed.FailureDetails!.ErrorType.Should().Be("System.InvalidOperationException");
        failed.FailureDetails.ErrorMessage.Should().Be("the workflow gave up: input-1");
        failed.FailureDetails.StackTrace.Should().Contain(nameof(ThrowingWorkflow));
    }

    [Fact]
    public void External_event_raised_before_it_is_awaited_is_buffered_until_the_workflow_waits_for_it()
    {
        var harness = new WorkflowTestHarness(new ApprovalWorkflow());
        harness.Start();

        // Dapr rule: raised events wait (buffered) until the workflow awaits them; names compare case-insensitively.
        harness.RaiseEvent("approval", new Approval(true, "grace")).Status.Should().Be(WorkflowRuntimeStatus.Running);
        var done = harness.CompleteActivity(0);

        done.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        done.ReadOutputAs<Approval>().Should().Be(new Approval(true, "grace"));
    }

    [Fact]
    public void External_event_raised_after_it_is_awaited_resumes_the_workflow()
    {
        var harness = new WorkflowTestHarness(new ApprovalWorkflow());
        harness.Start();
        harness.CompleteActivity(0).Actions.Should().BeEmpty("the workflow now only waits");

        var done = harness.RaiseEvent("Approval", new Approval(false, "linus"));

        done.ReadOutputAs<Approval>().Should().Be(new Approval(false, "linus"));
    }

    [Fact]
    public void Events_of_one_name_are_delivered_in_arrival_order()
    {
        var harness = new WorkflowTestHarness(new ApprovalWorkflow());
        harness.Start();

        harness.Run(
            WorkflowHistory.EventRaised("Approval", new Approval(true, "first"), harness.Now),
            WorkflowHistory.EventRaised("Approval", new Approval(true, "second"), harness.Now));
        var done = harness.CompleteActivity(0);

        done.ReadOutputAs<Approval>().By.Should().Be("first");
    }

    [Fact]
    public void Wait_with_timeout_throws_task_canceled_when_the_timer_fires_first()
    {
        var harness = new WorkflowTestHarness(new ApprovalWithTimeoutWorkflow());

        harness.Start().Timers.Should().Equal((0, harness.Now.AddHours(1)));
        var done = harness.FireTimer(0);

        done.ReadOutputAs<string>().Should().Be("timed out");
    }

    [Fact]
    public void Wait_with_timeout_returns_the_event_when_it_arrives_first_and_ignores_the_later_timer()
    {
        var harness = new WorkflowTestHarness(new ApprovalWithTimeoutWorkflow());
        harness.Start();

        var done = harness.RaiseEvent("Approval", new Approval(true, "ops"));

        done.ReadOutputAs<string>().Should().Be("approved by ops");
    }

    [Fact]
    public void Child_workflow_is_created_with_a_derived_instance_id_and_its_result_resumes_the_parent()
    {
        var harness = new WorkflowTestHarness(new ParentWorkflow(), instanceId: "parent-1");

        var first = harness.Start(5);

        var create = first.Actions.Single().CreateSubOrchestration;
        create.Name.Should().Be("ChildWorkflow");
        create.InstanceId.Should().Be("parent-1:0000");
        create.Input.Should().Be("5");
        harness.CompleteChildWorkflow(0, 7).ReadOutputAs<int>().Should().Be(14);
    }

    [Fact]
    public void Child_workflow_failure_fails_the_parent_with_the_child_failure_as_cause()
    {
        var harness = new WorkflowTestHarness(new ParentWorkflow());
        harness.Start(5);

        var failed = harness.FailChildWorkflow(0, "child broke", "System.TimeoutException");

        failed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        failed.FailureDetails!.InnerFailure.ErrorType.Should().Be("System.TimeoutException");
        failed.FailureDetails.InnerFailure.ErrorMessage.Should().Be("child broke");
    }

    [Fact]
    public void Continue_as_new_completes_the_run_with_the_new_input_and_carries_over_unread_events()
    {
        var harness = new WorkflowTestHarness(new CounterWorkflow());
        harness.Start(0);

        var turn = harness.Run(
            WorkflowHistory.EventRaised("add", 3, harness.Now),
            WorkflowHistory.EventRaised("add", 4, harness.Now));

        turn.Status.Should().Be(WorkflowRuntimeStatus.ContinuedAsNew);
        turn.SerializedOutput.Should().Be("3", "the new input of the next run");
        turn.Completion!.CarryoverEvents.Should().ContainSingle().Which.EventRaised.Input.Should().Be("4");
    }

    [Fact]
    public void Continue_as_new_run_consumes_the_carried_over_event()
    {
        var previous = new WorkflowTestHarness(new CounterWorkflow());
        previous.Start(0);
        var carried = previous.Run(WorkflowHistory.EventRaised("add", 3, previous.Now), WorkflowHistory.EventRaised("add", 8, previous.Now)).Completion!;

        // The sidecar starts the next run with the carried-over events after executionStarted.
        var next = new WorkflowTestHarness(new CounterWorkflow());
        var done = next.Run([WorkflowHistory.ExecutionStarted(nameof(CounterWorkflow), 3, next.InstanceId, next.Now), .. carried.CarryoverEvents]);

        done.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        done.ReadOutputAs<int>().Should().Be(11);
    }

    [Fact]
    public void Terminate_completes_as_terminated_with_its_output_and_drops_pending_actions()
    {
        var harness = new WorkflowTestHarness(new ApprovalWorkflow());
        harness.Start();

        var terminated = harness.Terminate("operator stopped it");

        terminated.Status.Should().Be(WorkflowRuntimeStatus.Terminated);
        terminated.SerializedOutput.Should().Be("\"operator stopped it\"");
        terminated.Actions.Should().ContainSingle();
    }

    [Fact]
    public void Events_that_arrive_while_suspended_are_applied_on_resume()
    {
        var harness = new WorkflowTestHarness(new ApprovalWorkflow());
        harness.Start();
        harness.CompleteActivity(0);
        harness.Suspend();

        harness.RaiseEvent("Approval", new Approval(true, "x")).Status.Should().Be(WorkflowRuntimeStatus.Running, "a suspended workflow acts on nothing");
        harness.Resume().ReadOutputAs<Approval>().Should().Be(new Approval(true, "x"));
    }

    [Fact]
    public void New_guid_is_deterministic_across_replays_and_unique_within_a_run()
    {
        var harness = new WorkflowTestHarness(new GuidWorkflow());
        var firstTurn = harness.Start();
        var passedToActivity = Guid.Parse(firstTurn.Actions.Single().ScheduleTask.Input.Trim('"'));

        var guids = harness.CompleteActivity(0).ReadOutputAs<Guid[]>();

        guids[0].Should().Be(passedToActivity, "the replay of the first turn made the same GUID");
        guids[1].Should().NotBe(guids[0]);
        guids[0].Version.Should().Be(5);
        WorkflowTestHarness.Replay(new GuidWorkflow(), harness.History).ReadOutputAs<Guid[]>().Should().Equal(guids);
    }

    [Fact]
    public void Send_event_becomes_an_action_confirmed_by_event_sent()
    {
        var harness = new WorkflowTestHarness(new NotifyingWorkflow(), instanceId: "sender");

        var turn = harness.Start("receiver-1");

        var send = turn.Actions.First().SendEvent;
        send.Instance.InstanceId.Should().Be("receiver-1");
        send.Name.Should().Be("Ping");
        send.Data.Should().Be("""{"from":"sender"}""");
        turn.Status.Should().Be(WorkflowRuntimeStatus.Completed);
    }

    [Fact]
    public void Renamed_activity_is_detected_as_non_determinism_and_fails_instead_of_hanging()
    {
        var harness = new WorkflowTestHarness(new ChainWorkflow());
        harness.Start(new Greeting("ada"));
        harness.CompleteActivity(0, "hello");

        var replayed = WorkflowTestHarness.Replay(new RenamedChainWorkflow(), harness.History);

        replayed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        replayed.FailureDetails!.ErrorType.Should().Be(WorkflowOrchestrationExecutor.NonDeterminismErrorType);
        replayed.FailureDetails.ErrorMessage.Should().Contain("'SayHello'").And.Contain("'Greet'");
        replayed.Actions.Should().ContainSingle("actions of a workflow that no longer matches its history are not trusted");
    }

    [Fact]
    public void Reordered_calls_are_detected_as_non_determinism()
    {
        var harness = new WorkflowTestHarness(new FanOutWorkflow());
        harness.Start().ScheduledActivities.Should().Equal((0, "Left"), (1, "Right"));
        harness.CompleteActivity(1, 2);

        var replayed = WorkflowTestHarness.Replay(new ReorderedFanOutWorkflow(), harness.History);

        replayed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        replayed.FailureDetails!.ErrorMessage.Should().Contain("#0").And.Contain("'Right'").And.Contain("'Left'");
    }

    [Fact]
    public void History_with_an_action_the_code_never_schedules_is_non_determinism()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        HistoryEvent[] history =
        [
            WorkflowHistory.OrchestratorStarted(t),
            WorkflowHistory.ExecutionStarted(nameof(TimerWorkflow), 5, "i", t),
            WorkflowHistory.TimerCreated(0, t.AddMinutes(5), t),
            WorkflowHistory.TaskScheduled(1, "Extra", t),
        ];

        var replayed = WorkflowTestHarness.Replay(new TimerWorkflow(), history);

        replayed.FailureDetails!.ErrorType.Should().Be(WorkflowOrchestrationExecutor.NonDeterminismErrorType);
        replayed.FailureDetails.ErrorMessage.Should().Contain("activity 'Extra'").And.Contain("#1");
    }

    [Fact]
    public void Unknown_workflow_name_fails_the_instance_rather_than_the_worker()
    {
        var request = new OrchestratorRequest { InstanceId = "i" };
        request.NewEvents.Add(WorkflowHistory.OrchestratorStarted(DateTime.UtcNow));
        request.NewEvents.Add(WorkflowHistory.ExecutionStarted("Nope", null, "i", DateTime.UtcNow));

        var response = new WorkflowOrchestrationExecutor().Execute(request, _ => null);

        var completion = response.Actions.Should().ContainSingle().Subject.CompleteOrchestration;
        completion.OrchestrationStatus.Should().Be(OrchestrationStatus.Failed);
        completion.FailureDetails.ErrorType.Should().Be(WorkflowOrchestrationExecutor.WorkflowNotRegisteredErrorType);
    }

    [Fact]
    public void Retry_policy_rejects_settings_that_make_no_sense()
    {
        FluentActions.Invoking(() => new WorkflowRetryPolicy(0, TimeSpan.FromSeconds(1))).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new WorkflowRetryPolicy(3, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new WorkflowRetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 0.5)).Should().Throw<ArgumentOutOfRangeException>();
        new WorkflowRetryPolicy(5, TimeSpan.FromSeconds(1), 3, maxRetryInterval: TimeSpan.FromSeconds(5)).DelayAfterFailure(4).Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Replay_safe_logger_writes_each_line_once_across_replays()
    {
        var lines = new List<string>();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)).SetMinimumLevel(LogLevel.Information));
        var harness = new WorkflowTestHarness(new LoggingWorkflow(), loggerFactory: loggerFactory);

        harness.Start();
        harness.CompleteActivity(0);

        lines.Should().Equal("starting", "finished");
    }

    [Fact]
    public void Cancelling_a_wait_for_an_event_stops_the_wait()
    {
        var harness = new WorkflowTestHarness(new CancellableWaitWorkflow());
        harness.Start().Timers.Should().ContainSingle();

        harness.FireTimer(0).ReadOutputAs<string>().Should().Be("cancelled");
    }

    [Fact]
    public void Event_arriving_before_the_deadline_wins_the_race()
    {
        var harness = new WorkflowTestHarness(new CancellableWaitWorkflow());
        harness.Start();

        harness.RaiseEvent("go", "now").ReadOutputAs<string>().Should().Be("now");
    }

    [Fact]
    public void Completion_of_an_action_of_another_kind_is_non_determinism()
    {
        var harness = new WorkflowTestHarness(new TimerWorkflow());
        harness.Start(5);

        // The history says task #0 (a timer here) completed as an activity.
        var failed = harness.CompleteActivity(0, "x");

        failed.FailureDetails!.ErrorType.Should().Be(WorkflowOrchestrationExecutor.NonDeterminismErrorType);
        failed.FailureDetails.ErrorMessage.Should().Contain("#0").And.Contain("a timer");
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Add(formatter(state, exception));
        }
    }
}
