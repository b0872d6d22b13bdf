using System.Security.Claims;

namespace DaprPlatform.ServiceDefaults;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The caller's user id from the <c>sub</c> claim. Only call on authenticated endpoints.</summary>
    public static Guid GetUserId(this ClaimsPrincipal user)
    {
        var subject = user.FindFirst(PlatformClaims.Subject)?.Value;
        return Guid.TryParse(subject, out var id)
            ? id
            : throw new InvalidOperationException("The principal has no user id; is the endpoint missing RequireAuthorization()?");
    }

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(PlatformRoles.Admin);
}
