namespace DaprPlatform.Gateway.Domain;

/// <summary>
/// Method + path pairs that pass the edge without a bearer token (e.g. "POST /api/auth/login"). A path ending in "/*" matches
/// exactly one more segment (e.g. "GET /api/onboarding/*" covers a status URL with its instance id, but not deeper paths).
/// </summary>
public sealed class PublicRoutes
{
    private const string OneSegmentWildcard = "/*";

    private readonly HashSet<(string Method, string Path)> _routes = [];
    private readonly HashSet<(string Method, string Parent)> _oneSegmentRoutes = [];

    public PublicRoutes(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            var parts = entry.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var star = parts.Length == 2 ? parts[1].IndexOf('*', StringComparison.Ordinal) : -1;
            if (parts.Length != 2 || !parts[1].StartsWith('/') || (star >= 0 && !parts[1].EndsWith(OneSegmentWildcard, StringComparison.Ordinal)) || star != parts[1].LastIndexOf('*'))
            {
                throw new ArgumentException($"Public route '{entry}' must look like 'POST /api/auth/login' (a '*' only as the last segment).", nameof(entries));
            }

            var method = parts[0].ToUpperInvariant();
            if (parts[1].EndsWith(OneSegmentWildcard, StringComparison.Ordinal))
            {
                _oneSegmentRoutes.Add((method, Normalize(parts[1][..^OneSegmentWildcard.Length])));
            }
            else
            {
                _routes.Add((method, Normalize(parts[1])));
            }
        }
    }

    public bool IsPublic(string method, string path)
    {
        var upper = method.ToUpperInvariant();
        var normalized = Normalize(path);
        if (_routes.Contains((upper, normalized)))
        {
            return true;
        }

        var lastSlash = normalized.LastIndexOf('/');
        return lastSlash > 0 && lastSlash < normalized.Length - 1 && _oneSegmentRoutes.Contains((upper, normalized[..lastSlash]));
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/').ToLowerInvariant() : path;
}
