namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of identity's <c>user.registered</c> event (camelCase JSON on the wire).</summary>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, string Role, DateTimeOffset RegisteredAt);
