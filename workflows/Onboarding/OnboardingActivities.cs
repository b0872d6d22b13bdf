using Dapr.Workflow;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Onboarding;

/// <summary>Redeems the sign-up's credential reference at identity; a redelivery with the same key gets the same account back.</summary>
public sealed class CreateAccountActivity(ServiceStepCall call) : WorkflowActivity<CreateAccountInput, CreatedAccount>
{
    public override async Task<CreatedAccount> RunAsync(WorkflowActivityContext context, CreateAccountInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var key = ServiceStepCall.IdempotencyKey(context, OnboardingSteps.CreateAccount);
        var response = await call.SendAsync(context, OnboardingSteps.CreateAccount, HttpMethod.Post, "identity", "internal/users",
            new { credentialRef = input.CredentialRef, idempotencyKey = key });
        if (response.Body is not { } user || !user.TryGetProperty("id", out var id) || !id.TryGetGuid(out var userId))
        {
            throw new ServiceStepException("identity", null, "identity answered without the new user's id.");
        }

        return new CreatedAccount(userId);
    }
}

/// <summary>The welcome: Telegram when a chat id was given, else in-app; notifications sends it once per idempotency key.</summary>
public sealed class SendWelcomeActivity(ServiceStepCall call) : WorkflowActivity<WelcomeInput, StepDone>
{
    public override async Task<StepDone> RunAsync(WorkflowActivityContext context, WelcomeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var response = await call.SendAsync(context, OnboardingSteps.SendWelcome, HttpMethod.Post, "notifications", "internal/notifications/welcome", new
        {
            userId = input.UserId,
            displayName = input.DisplayName,
            telegramChatId = input.TelegramChatId,
            idempotencyKey = ServiceStepCall.IdempotencyKey(context, OnboardingSteps.SendWelcome),
        });
        return new StepDone(OnboardingSteps.SendWelcome, response.StatusCode);
    }
}

/// <summary>A step that only needs the user id: one call to <c>{appId}/{path with the user id}</c>; the services make each idempotent per user.</summary>
public abstract class UserStepActivity(ServiceStepCall call, string step, HttpMethod method, string appId, string pathFormat)
    : WorkflowActivity<OnboardingUser, StepDone>
{
    public override async Task<StepDone> RunAsync(WorkflowActivityContext context, OnboardingUser input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, input.UserId);
        var response = await call.SendAsync(context, step, method, appId, path);
        return new StepDone(step, response.StatusCode);
    }
}

/// <summary>Creates the user's analytics workspace (free plan); analytics answers a repeat with the existing one.</summary>
public sealed class ProvisionAnalyticsWorkspaceActivity(ServiceStepCall call)
    : UserStepActivity(call, OnboardingSteps.ProvisionAnalyticsWorkspace, HttpMethod.Put, "analytics", "internal/workspaces/{0}");

/// <summary>Default notification preferences (in-app only) unless the user already has some.</summary>
public sealed class SetDefaultNotificationPreferencesActivity(ServiceStepCall call)
    : UserStepActivity(call, OnboardingSteps.SetDefaultNotificationPreferences, HttpMethod.Put, "notifications", "internal/preferences/{0}/defaults");

/// <summary>Compensation of ProvisionAnalyticsWorkspace.</summary>
public sealed class DeprovisionAnalyticsWorkspaceActivity(ServiceStepCall call)
    : UserStepActivity(call, OnboardingSteps.DeprovisionAnalyticsWorkspace, HttpMethod.Delete, "analytics", "internal/workspaces/{0}");

/// <summary>Compensation of CreateAccount: deletes the account (identity publishes user.deleted); deleting twice is harmless.</summary>
public sealed class DeleteAccountActivity(ServiceStepCall call)
    : UserStepActivity(call, OnboardingSteps.DeleteAccount, HttpMethod.Delete, "identity", "internal/users/{0}");
