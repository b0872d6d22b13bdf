using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Domain;

/// <summary>Which role a person may give themselves when registering.</summary>
public static class RegistrationRole
{
    public const string Default = PlatformRoles.Student;

    public static bool TryResolve(string? requested, out string role, out string? error)
    {
        role = Default;
        error = null;
        if (requested is null)
        {
            return true;
        }

        if (requested.Trim().Equals(PlatformRoles.Admin, StringComparison.OrdinalIgnoreCase))
        {
            // Admins are appointed, never self-made: otherwise anyone could register straight into full control.
            error = "The admin role cannot be chosen at registration.";
            return false;
        }

        if (!RoleName.TryResolve(requested, PlatformRoles.SelfService, out role, out error))
        {
            role = Default;
            return false;
        }

        return true;
    }
}
