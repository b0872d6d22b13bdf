namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of identity's <c>user.registered</c> event (camelCase JSON on the wire).</summary>
/// <param name="Origin">"onboarding" when the onboarding saga created the account (it sends the welcome itself); null otherwise.</param>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, string Role, DateTimeOffset RegisteredAt, string? Origin = null)
{
    public const string OnboardingOrigin = "onboarding";
}
