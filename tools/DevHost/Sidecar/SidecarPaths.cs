namespace DaprPlatform.DevHost.Sidecar;

/// <summary>
/// daprd routes every request to its HTTP API on the cleaned path (pkg/api/http/server.go getRouter: CleanPathMiddleware
/// sets chi's route path to Go's path.Clean of the request path, then StripSlashesMiddleware): doubled slashes collapse,
/// "." and ".." segments resolve, a trailing slash goes. So "//v1.0/actors/..." — what Dapr.Actors sends with its default
/// endpoint "http://localhost:3500/" — is the actors API, and "/v1.0/invoke/app/method/a//b/" invokes method "a/b"
/// (daprd's findTargetIDAndMethod cleans the method the same way).
/// </summary>
internal static class SidecarPaths
{
    /// <summary>
    /// Cleans the path, then routes. Whatever ran before this saw the path as sent, so a cleaned request forgets any
    /// endpoint matched earlier and is routed again.
    /// </summary>
    public static void UseCleanPaths(WebApplication app)
    {
        app.Use((ctx, next) =>
        {
            if (ctx.Request.Path.Value is { Length: > 0 } path && Clean(path) is var clean && !string.Equals(clean, path, StringComparison.Ordinal))
            {
                ctx.Request.Path = new PathString(clean);
                ctx.SetEndpoint(null);
                ctx.Request.RouteValues.Clear();
            }

            return next(ctx);
        });
        app.UseRouting();
    }

    /// <summary>Go's path.Clean for a rooted path.</summary>
    public static string Clean(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") { continue; }
            if (segment == "..")
            {
                // ".." above the root stays at the root.
                if (segments.Count > 0) { segments.RemoveAt(segments.Count - 1); }
                continue;
            }

            segments.Add(segment);
        }

        return "/" + string.Join('/', segments);
    }
}
