using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Onboarding;

/// <summary>
/// CreateAccount → ProvisionAnalyticsWorkspace → SetDefaultNotificationPreferences → SendWelcome, as a saga: when a step after
/// CreateAccount fails for good, the steps that completed are undone in reverse order and the instance ends FAILED with the
/// reason — FAILED rather than COMPLETED-with-a-flag, so a client polling the status can never mistake a rolled-back sign-up
/// for a finished one. SendWelcome is retried, but a welcome that never arrives does not undo a working account.
/// </summary>
public sealed class UserOnboardingWorkflow : Workflow<UserOnboardingInput, UserOnboardingOutput>
{
    private readonly SagaMetrics? _metrics;
    private bool _ended;

    public UserOnboardingWorkflow()
        : this(metrics: null)
    {
    }

    public UserOnboardingWorkflow(SagaMetrics? metrics) => _metrics = metrics;

    // Retries wait on durable timers: they survive restarts of this app and of the sidecar.
    public static readonly WorkflowRetryPolicy StepRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(10));

    // Undoing must not give up easily: an abandoned compensation leaves a half-made account behind.
    public static readonly WorkflowRetryPolicy CompensationRetry = new(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30));

    public override async Task<UserOnboardingOutput> RunAsync(WorkflowContext context, UserOnboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            var output = await RunSagaAsync(context, input);
            Ended(context, SagaOutcome.Completed, output.Outcome);
            return output;
        }
        catch when (!_ended)
        {
            // Undoing failed, or something unexpected ended the instance.
            Ended(context, SagaOutcome.Failed, "failed");
            throw;
        }
    }

    private void Ended(WorkflowContext context, SagaOutcome outcome, string result)
    {
        _ended = true;
        _metrics?.Ended(context, nameof(UserOnboardingWorkflow), outcome, result);
    }

    private async Task<UserOnboardingOutput> RunSagaAsync(WorkflowContext context, UserOnboardingInput input)
    {
        var step = new WorkflowTaskOptions(StepRetry);

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.CreateAccount));
        CreatedAccount account;
        try
        {
            account = await context.CallActivityAsync<CreatedAccount>(nameof(CreateAccountActivity), new CreateAccountInput(input.CredentialRef), step);
        }
        catch (WorkflowTaskFailedException failure)
        {
            // Nothing was made yet, so there is nothing to undo.
            context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.CreateAccount, FailedStep: OnboardingSteps.CreateAccount));
            Ended(context, SagaOutcome.Compensated, "account-not-created");
            throw new OnboardingFailedException($"{OnboardingSteps.CreateAccount} failed: {failure.FailureDetails.ErrorMessage}");
        }

        var user = new OnboardingUser(account.UserId);
        var undo = new Stack<(string Step, string Activity)>();
        undo.Push((OnboardingSteps.DeleteAccount, nameof(DeleteAccountActivity)));
        var current = OnboardingSteps.ProvisionAnalyticsWorkspace;
        try
        {
            context.SetCustomStatus(new OnboardingProgress(current, user.UserId));
            await context.CallActivityAsync(nameof(ProvisionAnalyticsWorkspaceActivity), user, step);
            undo.Push((OnboardingSteps.DeprovisionAnalyticsWorkspace, nameof(DeprovisionAnalyticsWorkspaceActivity)));

            current = OnboardingSteps.SetDefaultNotificationPreferences;
            context.SetCustomStatus(new OnboardingProgress(current, user.UserId));
            await context.CallActivityAsync(nameof(SetDefaultNotificationPreferencesActivity), user, step);
        }
        catch (WorkflowTaskFailedException failure)
        {
            var undone = await CompensateAsync(context, user, undo, current, failure);
            Ended(context, SagaOutcome.Compensated, "rolled-back");
            throw new OnboardingFailedException(
                $"{current} failed: {failure.FailureDetails.ErrorMessage} The sign-up was rolled back ({string.Join(", ", undone)}).");
        }

        var outcome = OnboardingOutcomes.Completed;
        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.SendWelcome, user.UserId));
        try
        {
            await context.CallActivityAsync(nameof(SendWelcomeActivity), new WelcomeInput(user.UserId, input.DisplayName, input.TelegramChatId), step);
        }
        catch (WorkflowTaskFailedException)
        {
            outcome = OnboardingOutcomes.CompletedWithoutWelcome;
        }

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.Completed, user.UserId));
        return new UserOnboardingOutput(user.UserId, outcome);
    }

    private static async Task<IReadOnlyList<string>> CompensateAsync(
        WorkflowContext context, OnboardingUser user, Stack<(string Step, string Activity)> undo, string failedStep, WorkflowTaskFailedException cause)
    {
        var undone = new List<string>();
        while (undo.TryPop(out var compensation))
        {
            context.SetCustomStatus(new OnboardingProgress(compensation.Step, user.UserId, failedStep));
            try
            {
                await context.CallActivityAsync(compensation.Activity, user, new WorkflowTaskOptions(CompensationRetry));
            }
            catch (WorkflowTaskFailedException failure)
            {
                throw new OnboardingFailedException(
                    $"{failedStep} failed: {cause.FailureDetails.ErrorMessage} Undoing it failed too at {compensation.Step}: " +
                    $"{failure.FailureDetails.ErrorMessage} Account {user.UserId} needs manual clean-up.");
            }

            undone.Add(compensation.Step);
        }

        context.SetCustomStatus(new OnboardingProgress(OnboardingSteps.Compensated, user.UserId, failedStep));
        return undone;
    }
}
