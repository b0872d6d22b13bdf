namespace DaprPlatform.Identity.Domain;

/// <summary>A role as a person types it (any case, spaces around), read against the roles allowed where it is given.</summary>
internal static class RoleName
{
    public static bool TryResolve(string requested, IReadOnlySet<string> allowed, out string role, out string? error)
    {
        role = requested.Trim().ToLowerInvariant();
        error = allowed.Contains(role) ? null : $"Role must be one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.";
        return error is null;
    }
}
