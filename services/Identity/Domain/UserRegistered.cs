namespace DaprPlatform.Identity.Domain;

/// <summary>Payload of the <c>user.registered</c> event (CloudEvent data).</summary>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, string Role, DateTimeOffset RegisteredAt)
{
    public const string Topic = "user.registered";
}
