using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>UserOnboarding on a scripted <see cref="Dapr.Workflow.WorkflowContext"/>: order, retries until the sign-up's deadline, and the rollback.</summary>
public sealed class UserOnboardingWorkflowTests
{
    private static readonly Guid UserId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b21");
    private static readonly UserOnboardingInput Input = new("ann@example.com", "Ann", "student", "123456", Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b22"), DeadlineSeconds: 600);

    private static readonly string[] AllSteps =
    [
        nameof(CreateAccountActivity), nameof(ProvisionAnalyticsWorkspaceActivity), nameof(SetDefaultNotificationPreferencesActivity), nameof(SendWelcomeActivity),
    ];

    [Fact]
    public async Task A_sign_up_runs_every_step_in_order_and_completes_with_the_account()
    {
        var context = HappyPath().Context();

        var output = await context.RunAsync(new UserOnboardingWorkflow(), Input);

        output.Should().Be(new UserOnboardingOutput(UserId, OnboardingOutcomes.Completed));
        Steps(context).Should().Equal(AllSteps);
        context.Calls[0].Input<CreateAccountInput>().CredentialRef.Should().Be(Input.CredentialRef);
        context.Calls.Single(c => c.Name == nameof(SendWelcomeActivity)).Input<WelcomeInput>().Should().Be(new WelcomeInput(UserId, "Ann", "123456"));
        context.LastStatus<OnboardingProgress>().Should().Be(new OnboardingProgress(OnboardingSteps.Completed, UserId));
    }

    [Fact]
    public async Task A_service_down_for_a_while_is_waited_for_and_the_sign_up_completes()
    {
        var context = HappyPath().FailTransiently(nameof(ProvisionAnalyticsWorkspaceActivity), 5, Done(OnboardingSteps.ProvisionAnalyticsWorkspace)).Context();

        var output = await context.RunAsync(new UserOnboardingWorkflow(), Input);

        output.Outcome.Should().Be(OnboardingOutcomes.Completed);
        context.Calls.Count(c => c.Name == nameof(ProvisionAnalyticsWorkspaceActivity)).Should().Be(6);
        Steps(context).Should().NotContain(nameof(DeleteAccountActivity));
    }

    [Fact]
    public async Task A_step_still_failing_at_the_deadline_rolls_the_sign_up_back_and_says_which_service_was_unavailable()
    {
        var context = HappyPath().AlwaysUnavailable(nameof(ProvisionAnalyticsWorkspaceActivity)).Context();

        var failure = await FluentActions.Awaiting(() => context.RunAsync(new UserOnboardingWorkflow(), Input)).Should().ThrowAsync<OnboardingFailedException>();

        failure.Which.Message.Should().Be(
            "ProvisionAnalyticsWorkspace failed: analytics was unavailable until the sign-up's deadline. The sign-up was rolled back (DeprovisionAnalyticsWorkspace, DeleteAccount).");
        failure.Which.Outcome.Should().Be(SagaOutcome.Compensated);
        context.Calls.Last(c => c.Name == nameof(ProvisionAnalyticsWorkspaceActivity)).At.Should().BeOnOrBefore(context.StartedAt.AddSeconds(600))
            .And.BeAfter(context.StartedAt.AddSeconds(540));
        Steps(context).Distinct().Should().Equal(nameof(CreateAccountActivity), nameof(ProvisionAnalyticsWorkspaceActivity), nameof(DeprovisionAnalyticsWorkspaceActivity), nameof(DeleteAccountActivity));
        context.LastStatus<OnboardingProgress>().Should().Be(new OnboardingProgress(OnboardingSteps.Compensated, UserId, OnboardingSteps.ProvisionAnalyticsWorkspace));
    }

    [Fact]
    public async Task A_refusal_rolls_back_at_once_without_undoing_the_refused_step()
    {
        var context = HappyPath().Refuse(nameof(SetDefaultNotificationPreferencesActivity), "notifications refused (400): unknown user").Context();

        var failure = await FluentActions.Awaiting(() => context.RunAsync(new UserOnboardingWorkflow(), Input)).Should().ThrowAsync<OnboardingFailedException>();

        failure.Which.Message.Should().Be("SetDefaultNotificationPreferences failed: notifications refused (400): unknown user. The sign-up was rolled back (DeprovisionAnalyticsWorkspace, DeleteAccount).");
        context.TimersCreated.Should().BeEmpty();
        Steps(context).Should().Equal(
            nameof(CreateAccountActivity), nameof(ProvisionAnalyticsWorkspaceActivity), nameof(SetDefaultNotificationPreferencesActivity),
            nameof(DeprovisionAnalyticsWorkspaceActivity), nameof(DeleteAccountActivity));
    }

    [Fact]
    public async Task An_account_that_cannot_be_created_ends_failed_with_nothing_to_undo()
    {
        var context = HappyPath().Refuse(nameof(CreateAccountActivity), "identity refused (410): The credential reference has expired").Context();

        var failure = await FluentActions.Awaiting(() => context.RunAsync(new UserOnboardingWorkflow(), Input)).Should().ThrowAsync<OnboardingFailedException>();

        failure.Which.Message.Should().Be("CreateAccount failed: identity refused (410): The credential reference has expired.");
        Steps(context).Should().Equal(nameof(CreateAccountActivity));
    }

    [Fact]
    public async Task An_undo_that_never_succeeds_asks_for_manual_clean_up()
    {
        var context = HappyPath()
            .Refuse(nameof(ProvisionAnalyticsWorkspaceActivity), "analytics refused (400): no")
            .AlwaysUnavailable(nameof(DeleteAccountActivity))
            .Context();

        var failure = await FluentActions.Awaiting(() => context.RunAsync(new UserOnboardingWorkflow(), Input)).Should().ThrowAsync<OnboardingFailedException>();

        failure.Which.Outcome.Should().Be(SagaOutcome.Failed);
        failure.Which.Message.Should().Contain("Undoing it failed too at DeleteAccount: identity was unavailable").And.Contain($"Account {UserId} needs manual clean-up");
    }

    [Fact]
    public async Task A_welcome_that_cannot_be_delivered_completes_without_it()
    {
        var context = HappyPath().AlwaysUnavailable(nameof(SendWelcomeActivity)).Context();

        var output = await context.RunAsync(new UserOnboardingWorkflow(), Input);

        output.Should().Be(new UserOnboardingOutput(UserId, OnboardingOutcomes.CompletedWithoutWelcome));
        Steps(context).Should().NotContain(nameof(DeleteAccountActivity));
    }

    private static SagaScript HappyPath() => new SagaScript()
        .Answer(nameof(CreateAccountActivity), new CreatedAccount(UserId))
        .Answer(nameof(ProvisionAnalyticsWorkspaceActivity), Done(OnboardingSteps.ProvisionAnalyticsWorkspace))
        .Answer(nameof(SetDefaultNotificationPreferencesActivity), Done(OnboardingSteps.SetDefaultNotificationPreferences))
        .Answer(nameof(SendWelcomeActivity), Done(OnboardingSteps.SendWelcome))
        .Answer(nameof(DeprovisionAnalyticsWorkspaceActivity), Done(OnboardingSteps.DeprovisionAnalyticsWorkspace))
        .Answer(nameof(DeleteAccountActivity), Done(OnboardingSteps.DeleteAccount));

    private static StepDone Done(string step) => new(step, 200);

    private static List<string> Steps(ScriptedWorkflowContext context) =>
        context.CalledNames.Where(n => n != nameof(RecordSagaOutcomeActivity)).ToList();
}
