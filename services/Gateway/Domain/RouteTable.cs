namespace DaprPlatform.Gateway.Domain;

/// <summary>Maps a public path to the app that owns it; the longest matching prefix wins.</summary>
public sealed class RouteTable
{
    private readonly IReadOnlyList<ServiceRoute> _routes;

    public RouteTable(IEnumerable<ServiceRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var list = new List<ServiceRoute>();
        foreach (var route in routes)
        {
            if (string.IsNullOrWhiteSpace(route.AppId) || !route.Prefix.StartsWith('/'))
            {
                throw new ArgumentException($"Route '{route.Prefix}' → '{route.AppId}' needs a prefix starting with '/' and an app id.", nameof(routes));
            }

            list.Add(new ServiceRoute { Prefix = route.Prefix.TrimEnd('/'), AppId = route.AppId.Trim() });
        }

        _routes = list.OrderByDescending(r => r.Prefix.Length).ToList();
    }

    public IReadOnlyList<ServiceRoute> Routes => _routes;

    public ServiceRoute? Match(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var route in _routes)
        {
            // "/api/auth" owns "/api/auth" and "/api/auth/…", never "/api/authors".
            if (path.StartsWith(route.Prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == route.Prefix.Length || path[route.Prefix.Length] == '/'))
            {
                return route;
            }
        }

        return null;
    }
}
