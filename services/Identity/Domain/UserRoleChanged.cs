using DaprPlatform.ServiceDefaults;
namespace DaprPlatform.Identity.Domain;

/// <summary>Payload of the <c>user.role-changed</c> event (CloudEvent data): <c>user.registered</c> carried the role, this keeps it current.</summary>
/// <param name="ChangedBy">The admin who made the change; null when configuration made the account an admin at sign-in
/// (<c>Identity:Admins</c>).</param>
public sealed record UserRoleChanged(Guid UserId, string Email, string Role, string PreviousRole, Guid? ChangedBy, DateTimeOffset ChangedAt)
{
    public const string Topic = PlatformTopics.UserRoleChanged;
}
