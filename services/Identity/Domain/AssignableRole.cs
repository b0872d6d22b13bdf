using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Domain;

/// <summary>Which role an admin may give an account: any platform role, admin included.</summary>
public static class AssignableRole
{
    public static bool TryResolve(string? requested, out string role, out string? error)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            role = string.Empty;
            error = "Role is required.";
            return false;
        }

        return RoleName.TryResolve(requested, PlatformRoles.All, out role, out error);
    }
}
