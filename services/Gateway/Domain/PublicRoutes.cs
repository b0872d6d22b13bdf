namespace DaprPlatform.Gateway.Domain;

/// <summary>Method + exact path pairs that pass the edge without a bearer token (e.g. "POST /api/auth/login").</summary>
public sealed class PublicRoutes
{
    private readonly HashSet<(string Method, string Path)> _routes = [];

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

            _routes.Add((parts[0].ToUpperInvariant(), Normalize(parts[1])));
        }
    }

    public bool IsPublic(string method, string path) =>
        _routes.Contains((method.ToUpperInvariant(), Normalize(path)));

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/').ToLowerInvariant() : path;
}
