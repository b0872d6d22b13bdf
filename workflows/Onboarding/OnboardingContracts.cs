using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Onboarding;

/// <summary>Workflow input. The password is not here: identity exchanged it for <paramref name="CredentialRef"/> before the start.</summary>
/// <param name="DeadlineSeconds">How long the steps may keep retrying services that are down (fixed at the start, so a replay sees the same value); null: the default.</param>
public sealed record UserOnboardingInput(string Email, string DisplayName, string? Role, string? TelegramChatId, Guid CredentialRef, int? DeadlineSeconds = null);

/// <summary>How long a sign-up may wait for services that are down before it is rolled back (<c>Onboarding:StepDeadline</c>).</summary>
public sealed class OnboardingOptions
{
    public const string SectionName = "Onboarding";

    /// <summary>A person is waiting on the sign-up page: minutes, not hours.</summary>
    public TimeSpan StepDeadline { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Workflow output of a completed onboarding.</summary>
public sealed record UserOnboardingOutput(Guid UserId, string Outcome);

/// <summary>The instance's custom status: the step running now (or the last one), the account once it exists, and why it waits.</summary>
public sealed record OnboardingProgress(string Step, Guid? UserId = null, string? FailedStep = null, string? Reason = null);

/// <summary>Step names: shown as the custom status and used in the idempotency keys (<c>{instanceId}:{step}</c>).</summary>
public static class OnboardingSteps
{
    public const string CreateAccount = "CreateAccount";
    public const string ProvisionAnalyticsWorkspace = "ProvisionAnalyticsWorkspace";
    public const string SetDefaultNotificationPreferences = "SetDefaultNotificationPreferences";
    public const string SendWelcome = "SendWelcome";
    public const string DeprovisionAnalyticsWorkspace = "DeprovisionAnalyticsWorkspace";
    public const string DeleteAccount = "DeleteAccount";
    public const string Completed = "Completed";
    public const string Compensated = "Compensated";
}

public static class OnboardingOutcomes
{
    public const string Completed = "completed";

    /// <summary>The account is ready but the welcome could not be delivered; it is not worth undoing the sign-up for.</summary>
    public const string CompletedWithoutWelcome = "completed-without-welcome";
}

public sealed record CreateAccountInput(Guid CredentialRef);

public sealed record CreatedAccount(Guid UserId);

public sealed record OnboardingUser(Guid UserId);

public sealed record WelcomeInput(Guid UserId, string DisplayName, string? TelegramChatId);

/// <summary>Ends the instance FAILED: the reason (and what was undone) becomes the failure message GET /api/onboarding shows.</summary>
public sealed class OnboardingFailedException(string message, SagaOutcome outcome = SagaOutcome.Failed, string result = "failed") : Exception(message)
{
    /// <summary>Compensated when everything done was undone; Failed when undoing could not finish.</summary>
    public SagaOutcome Outcome { get; } = outcome;

    public string Result { get; } = result;
}
