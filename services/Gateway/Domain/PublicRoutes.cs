namespace DaprPlatform.Gateway.Domain;

/// <summary>
/// Method + path pairs that pass the edge without a bearer token (e.g. "POST /api/auth/login"). A segment that is exactly
/// "*" matches one non-empty segment, no more and no less: "GET /api/onboarding/*" covers a status URL with its instance
/// id but nothing deeper, and "GET /api/tutors/*/slots" covers any one tutor's slots.
/// </summary>
public sealed class PublicRoutes
{
    private const string AnySegment = "*";

    private readonly List<(string Method, string[] Segments)> _routes = [];

    public PublicRoutes(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            var parts = entry.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !parts[1].StartsWith('/'))
            {
                throw new ArgumentException($"Public route '{entry}' must look like 'POST /api/auth/login'.", nameof(entries));
            }

            var segments = Segments(parts[1]);
            if (segments.Any(s => s.Contains('*', StringComparison.Ordinal) && s != AnySegment))
            {
                throw new ArgumentException($"Public route '{entry}': '*' must be a whole segment (like '/api/tutors/*/slots').", nameof(entries));
            }

            if (segments.Length > 0 && segments.All(s => s == AnySegment))
            {
                throw new ArgumentException($"Public route '{entry}' would open every path of that length.", nameof(entries));
            }

            _routes.Add((parts[0].ToUpperInvariant(), segments));
        }
    }

    public bool IsPublic(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var upper = method.ToUpperInvariant();
        var segments = Segments(path);
        return _routes.Any(route => route.Method == upper && Matches(route.Segments, segments));
    }

    private static bool Matches(string[] pattern, string[] segments)
    {
        if (pattern.Length != segments.Length) { return false; }
        for (var i = 0; i < pattern.Length; i++)
        {
            var matches = pattern[i] == AnySegment ? segments[i].Length > 0 : pattern[i] == segments[i];
            if (!matches) { return false; }
        }

        return true;
    }

    /// <summary>Lower-case segments without the leading slash; one trailing slash is ignored, empty inner segments are kept (and match nothing).</summary>
    private static string[] Segments(string path)
    {
        var trimmed = path.Length > 1 && path.EndsWith('/') ? path[..^1] : path;
        return trimmed.Length <= 1 ? [] : trimmed[1..].ToLowerInvariant().Split('/');
    }
}
