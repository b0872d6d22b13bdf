using Dapr.Workflow;
using DaprPlatform.Workflows.Sagas;
using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Onboarding;

/// <summary>
/// CreateAccount → ProvisionAnalyticsWorkspace → SetDefaultNotificationPreferences → SendWelcome, as a saga. A step whose call
/// fails transiently is retried with back-off until the sign-up's deadline (<see cref="OnboardingOptions.StepDeadline"/>); when a
/// step after CreateAccount is refused or runs out of time, whatever may have been done is undone in reverse and the instance
/// ends FAILED with the reason — FAILED rather than COMPLETED-with-a-flag, so a client polling the status can never mistake a
/// rolled-back sign-up for a finished one. SendWelcome is retried too, but a welcome that never arrives does not undo a working account.
/// </summary>
public sealed class UserOnboardingWorkflow : Workflow<UserOnboardingInput, UserOnboardingOutput>
{
    /// <summary>Undoing must not give up easily (an abandoned compensation leaves a half-made account behind), but it must end.</summary>
    public static readonly TimeSpan CompensationPatience = TimeSpan.FromHours(6);

    private static readonly SagaStep CreateAccount = new(OnboardingSteps.CreateAccount, nameof(CreateAccountActivity), "identity");
    private static readonly SagaStep DeleteAccount = new(OnboardingSteps.DeleteAccount, nameof(DeleteAccountActivity), "identity");
    private static readonly SagaStep SendWelcome = new(OnboardingSteps.SendWelcome, nameof(SendWelcomeActivity), "notifications");

    /// <summary>The steps between the account and the welcome, each with its undo (none for the last: nothing after it is undone).</summary>
    private static readonly (SagaStep Step, SagaStep? Undo)[] AccountSteps =
    [
        (new(OnboardingSteps.ProvisionAnalyticsWorkspace, nameof(ProvisionAnalyticsWorkspaceActivity), "analytics"),
            new(OnboardingSteps.DeprovisionAnalyticsWorkspace, nameof(DeprovisionAnalyticsWorkspaceActivity), "analytics")),
        (new(OnboardingSteps.SetDefaultNotificationPreferences, nameof(SetDefaultNotificationPreferencesActivity), "notifications"), null),
    ];

    public override async Task<UserOnboardingOutput> RunAsync(WorkflowContext context, UserOnboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        UserOnboardingOutput output;
        try
        {
            output = await RunSagaAsync(context, input);
        }
        catch (Exception e)
        {
            // Rolled back (the exception says so), or undoing failed, or something unexpected ended the instance.
            var failure = e as OnboardingFailedException;
            await SagaOutcomes.RecordAsync(context, nameof(UserOnboardingWorkflow), failure?.Outcome ?? SagaOutcome.Failed, failure?.Result ?? "failed");
            throw;
        }

        await SagaOutcomes.RecordAsync(context, nameof(UserOnboardingWorkflow), SagaOutcome.Completed, output.Outcome);
        return output;
    }

    private async Task<UserOnboardingOutput> RunSagaAsync(WorkflowContext context, UserOnboardingInput input)
    {
        // CurrentUtcDateTime is the start time on every replay, so the deadline is too.
        var deadline = context.CurrentUtcDateTime.Add(input.DeadlineSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : new OnboardingOptions().StepDeadline);
        Guid? userId = null;
        var steps = new SagaSteps(context, StepPatience.Steps, (step, waiting) => context.SetCustomStatus(new OnboardingProgress(step.Name, userId, Reason: waiting)));

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.CreateAccount));
        var account = await steps.RunAsync<CreatedAccount>(CreateAccount, new CreateAccountInput(input.CredentialRef), deadline);
        if (account.Stopped is { } notCreated)
        {
            // Nothing is known to be made yet (identity redeems the reference once; an unused one expires within the hour).
            context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.CreateAccount, FailedStep: OnboardingSteps.CreateAccount));
            throw new OnboardingFailedException($"{OnboardingSteps.CreateAccount} failed: {Describe(notCreated)}.", SagaOutcome.Compensated, "account-not-created");
        }

        var user = new OnboardingUser(account.Value!.UserId);
        userId = user.UserId;
        var undo = new Stack<SagaStep>();
        undo.Push(DeleteAccount);
        foreach (var (step, undoStep) in AccountSteps)
        {
            context.SetCustomStatus(new OnboardingProgress(step.Name, user.UserId));
            var run = await steps.RunAsync<StepDone>(step, user, deadline);
            if (run.Stopped is { } stopped)
            {
                // A step that ran out of time may have been done with its answer lost: undo it too. A refused one made nothing.
                if (stopped.Kind == StepStopKind.Unavailable && undoStep is not null) { undo.Push(undoStep); }
                var undone = await CompensateAsync(context, user, undo, step.Name, stopped);
                throw new OnboardingFailedException(
                    $"{step.Name} failed: {Describe(stopped)}. The sign-up was rolled back ({string.Join(", ", undone)}).", SagaOutcome.Compensated, "rolled-back");
            }

            if (undoStep is not null) { undo.Push(undoStep); }
        }

        var outcome = OnboardingOutcomes.Completed;
        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.SendWelcome, user.UserId));
        var welcome = await steps.RunAsync<StepDone>(SendWelcome, new WelcomeInput(user.UserId, input.DisplayName, input.TelegramChatId), deadline);
        if (!welcome.Completed)
        {
            outcome = OnboardingOutcomes.CompletedWithoutWelcome;
        }

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.Completed, user.UserId));
        return new UserOnboardingOutput(user.UserId, outcome);
    }

    /// <summary>For the user: the service's own refusal, or which service stayed unavailable. Never the sidecar's error text.</summary>
    private static string Describe(StepStopped stopped) =>
        stopped.Kind == StepStopKind.Refused ? stopped.Reason : $"{stopped.Reason} until the sign-up's deadline";

    private static async Task<IReadOnlyList<string>> CompensateAsync(
        WorkflowContext context, OnboardingUser user, Stack<SagaStep> undo, string failedStep, StepStopped cause)
    {
        var deadline = context.CurrentUtcDateTime.Add(CompensationPatience);
        var steps = new SagaSteps(context, StepPatience.Compensations,
            (step, waiting) => context.SetCustomStatus(new OnboardingProgress(step.Name, user.UserId, failedStep, waiting)));
        var undone = new List<string>();
        while (undo.TryPop(out var compensation))
        {
            context.SetCustomStatus(new OnboardingProgress(compensation.Name, user.UserId, failedStep));
            var run = await steps.RunAsync<StepDone>(compensation, user, deadline);
            if (run.Stopped is { } failure)
            {
                throw new OnboardingFailedException(
                    $"{failedStep} failed: {Describe(cause)}. Undoing it failed too at {compensation.Name}: {failure.Reason}. " +
                    $"Account {user.UserId} needs manual clean-up.");
            }

            undone.Add(compensation.Name);
        }

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.Compensated, user.UserId, failedStep));
        return undone;
    }
}
