using DaprPlatform.ServiceDefaults;
namespace DaprPlatform.Identity.Domain;

/// <summary>Payload of the <c>user.deleted</c> event (CloudEvent data).</summary>
public sealed record UserDeleted(Guid UserId, string Email, DateTimeOffset DeletedAt)
{
    public const string Topic = PlatformTopics.UserDeleted;
}
