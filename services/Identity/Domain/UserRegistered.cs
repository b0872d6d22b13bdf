using DaprPlatform.ServiceDefaults;
namespace DaprPlatform.Identity.Domain;

/// <summary>Payload of the <c>user.registered</c> event (CloudEvent data).</summary>
/// <param name="Origin">How the account came to be: null for self-registration, <see cref="OnboardingOrigin"/> when the onboarding saga
/// created it (the saga then sends the welcome itself, so consumers must not greet twice).</param>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, string Role, DateTimeOffset RegisteredAt, string? Origin = null)
{
    public const string Topic = PlatformTopics.UserRegistered;
    public const string OnboardingOrigin = "onboarding";
}
