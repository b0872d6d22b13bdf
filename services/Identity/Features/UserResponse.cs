using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Features;

public sealed record UserResponse(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Id, user.Email, user.DisplayName, user.Role, user.CreatedAt);
}
