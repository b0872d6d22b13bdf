using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests;

/// <summary>The saga's orchestration, replayed against scripted histories (no sidecar): order, custom status, compensation.</summary>
public sealed class UserOnboardingWorkflowTests
{
    private static readonly Guid UserId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b11");
    private static readonly UserOnboardingInput Input = new("ann@example.com", "Ann", "student", null, Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b22"));

    [Fact]
    public void Happy_path_runs_the_four_steps_in_order_showing_each_as_the_custom_status()
    {
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));
        var seen = new List<(string Activity, string? Step)>();

        var turn = harness.Start(Input);
        seen.Add((turn.ScheduledActivities.Single().Name, Progress(turn)?.Step));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new CreatedAccount(UserId));
        seen.Add((turn.ScheduledActivities.Single().Name, Progress(turn)?.Step));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.ProvisionAnalyticsWorkspace, 201));
        seen.Add((turn.ScheduledActivities.Single().Name, Progress(turn)?.Step));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.SetDefaultNotificationPreferences, 201));
        seen.Add((turn.ScheduledActivities.Single().Name, Progress(turn)?.Step));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.SendWelcome, 200));

        seen.Should().Equal(
            (nameof(CreateAccountActivity), OnboardingSteps.CreateAccount),
            (nameof(ProvisionAnalyticsWorkspaceActivity), OnboardingSteps.ProvisionAnalyticsWorkspace),
            (nameof(SetDefaultNotificationPreferencesActivity), OnboardingSteps.SetDefaultNotificationPreferences),
            (nameof(SendWelcomeActivity), OnboardingSteps.SendWelcome));
        turn.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        turn.ReadOutputAs<UserOnboardingOutput>().Should().Be(new UserOnboardingOutput(UserId, OnboardingOutcomes.Completed));
        Progress(turn)!.Step.Should().Be(OnboardingSteps.Completed);
    }

    [Fact]
    public void Analytics_failing_after_its_retries_deletes_the_account_but_never_deprovisions_what_was_not_provisioned()
    {
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));
        var turn = harness.CompleteActivity(harness.Start(Input).ScheduledActivities.Single().Id, new CreatedAccount(UserId));

        var (attempts, afterRetries) = FailUntilRetriesAreSpent(harness, turn, nameof(ProvisionAnalyticsWorkspaceActivity));

        attempts.Should().Be(UserOnboardingWorkflow.StepRetry.MaxNumberOfAttempts);
        afterRetries.ScheduledActivities.Select(a => a.Name).Should().Equal(nameof(DeleteAccountActivity));
        Progress(afterRetries)!.Step.Should().Be(OnboardingSteps.DeleteAccount);
        var end = harness.CompleteActivity(afterRetries.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.DeleteAccount, 204));

        end.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        end.FailureDetails!.ErrorMessage.Should().StartWith("ProvisionAnalyticsWorkspace failed").And.Contain("rolled back (DeleteAccount)");
        Progress(end).Should().Be(new OnboardingProgress(OnboardingSteps.Compensated, UserId, OnboardingSteps.ProvisionAnalyticsWorkspace));
        ScheduledNames(harness).Should().NotContain(nameof(DeprovisionAnalyticsWorkspaceActivity));
    }

    [Fact]
    public void Preferences_failing_undoes_the_workspace_then_the_account_in_reverse_order()
    {
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));
        var turn = harness.CompleteActivity(harness.Start(Input).ScheduledActivities.Single().Id, new CreatedAccount(UserId));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.ProvisionAnalyticsWorkspace, 201));

        var (_, afterRetries) = FailUntilRetriesAreSpent(harness, turn, nameof(SetDefaultNotificationPreferencesActivity));
        afterRetries.ScheduledActivities.Select(a => a.Name).Should().Equal(nameof(DeprovisionAnalyticsWorkspaceActivity));
        var deleting = harness.CompleteActivity(afterRetries.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.DeprovisionAnalyticsWorkspace, 204));
        deleting.ScheduledActivities.Select(a => a.Name).Should().Equal(nameof(DeleteAccountActivity));
        var end = harness.CompleteActivity(deleting.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.DeleteAccount, 204));

        end.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        end.FailureDetails!.ErrorMessage.Should().Contain("rolled back (DeprovisionAnalyticsWorkspace, DeleteAccount)");
        ScheduledNames(harness).Should().NotContain(nameof(SendWelcomeActivity));
    }

    [Fact]
    public void Welcome_failing_is_retried_but_completes_without_undoing_anything()
    {
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));
        var turn = harness.CompleteActivity(harness.Start(Input).ScheduledActivities.Single().Id, new CreatedAccount(UserId));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.ProvisionAnalyticsWorkspace, 201));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.SetDefaultNotificationPreferences, 201));

        var (attempts, end) = FailUntilRetriesAreSpent(harness, turn, nameof(SendWelcomeActivity));

        attempts.Should().Be(UserOnboardingWorkflow.StepRetry.MaxNumberOfAttempts);
        end.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        end.ReadOutputAs<UserOnboardingOutput>().Should().Be(new UserOnboardingOutput(UserId, OnboardingOutcomes.CompletedWithoutWelcome));
        ScheduledNames(harness).Should().NotContain(n => n == nameof(DeleteAccountActivity) || n == nameof(DeprovisionAnalyticsWorkspaceActivity));
    }

    [Fact]
    public void CreateAccount_failing_fails_the_instance_with_nothing_to_compensate()
    {
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));

        var (_, end) = FailUntilRetriesAreSpent(harness, harness.Start(Input), nameof(CreateAccountActivity));

        end.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        end.FailureDetails!.ErrorMessage.Should().StartWith("CreateAccount failed");
        ScheduledNames(harness).Should().OnlyContain(n => n == nameof(CreateAccountActivity));
    }

    [Fact]
    public void Replaying_a_finished_compensation_history_from_scratch_ends_the_same_way()
    {
        // Dapr rule: orchestrator code is replayed from history and must take the same path every time.
        var harness = new WorkflowTestHarness(() => new UserOnboardingWorkflow(), nameof(UserOnboardingWorkflow));
        var turn = harness.CompleteActivity(harness.Start(Input).ScheduledActivities.Single().Id, new CreatedAccount(UserId));
        turn = harness.CompleteActivity(turn.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.ProvisionAnalyticsWorkspace, 201));
        var (_, afterRetries) = FailUntilRetriesAreSpent(harness, turn, nameof(SetDefaultNotificationPreferencesActivity));
        var deleting = harness.CompleteActivity(afterRetries.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.DeprovisionAnalyticsWorkspace, 204));
        var live = harness.CompleteActivity(deleting.ScheduledActivities.Single().Id, new StepDone(OnboardingSteps.DeleteAccount, 204));

        var replayed = WorkflowTestHarness.Replay(new UserOnboardingWorkflow(), harness.History);

        replayed.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        replayed.FailureDetails!.ErrorMessage.Should().Be(live.FailureDetails!.ErrorMessage);
        replayed.CustomStatus.Should().Be(live.CustomStatus);
    }

    /// <summary>Fails the scheduled <paramref name="activity"/> and fires each retry timer until the workflow moves on.</summary>
    private static (int Attempts, WorkflowTurnResult Next) FailUntilRetriesAreSpent(WorkflowTestHarness harness, WorkflowTurnResult turn, string activity)
    {
        var attempts = 0;
        while (turn.ScheduledActivities is [var scheduled] && scheduled.Name == activity)
        {
            attempts++;
            turn = harness.FailActivity(scheduled.Id, "analytics answered 503 (switched off).");
            if (turn.Timers is [var timer])
            {
                turn = harness.FireTimer(timer.Id);
            }
        }

        return (attempts, turn);
    }

    private static IEnumerable<string> ScheduledNames(WorkflowTestHarness harness) =>
        harness.History.Where(e => e.TaskScheduled is not null).Select(e => e.TaskScheduled.Name);

    private static OnboardingProgress? Progress(WorkflowTurnResult turn) =>
        turn.CustomStatus is { Length: > 0 } json ? System.Text.Json.JsonSerializer.Deserialize<OnboardingProgress>(json, System.Text.Json.JsonSerializerOptions.Web) : null;
}
