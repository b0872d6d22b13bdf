using System.Text.Json.Nodes;

namespace DaprPlatform.Gateway.Domain;

/// <summary>
/// A service's own OpenAPI document made into the part of the public API the gateway serves for it: only paths under the
/// public prefixes the service owns (the gateway forwards paths unchanged, so those keep their names; invocation-only
/// routes such as <c>/internal/…</c> and pub/sub deliveries are dropped), no <c>servers</c> (calls go to the gateway that served
/// the document), and the bearer scheme required, so one "Authorize" in the UI covers every operation.
/// </summary>
public static class PublicApiDocument
{
    public const string BearerScheme = "bearer";

    public static JsonObject Rewrite(JsonObject document, string appId, IReadOnlyCollection<string> publicPrefixes)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ArgumentNullException.ThrowIfNull(publicPrefixes);

        var result = (JsonObject)document.DeepClone();
        var paths = new JsonObject();
        if (result["paths"] is JsonObject servicePaths)
        {
            foreach (var (path, item) in servicePaths)
            {
                if (publicPrefixes.Any(prefix => IsUnder(path, prefix)))
                {
                    paths[path] = item?.DeepClone();
                }
            }
        }

        result["paths"] = paths;
        result.Remove("servers");
        ObjectAt(result, "info")["title"] = $"{appId} (through the gateway)";
        ObjectAt(ObjectAt(result, "components"), "securitySchemes")[BearerScheme] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["bearerFormat"] = "JWT",
            ["description"] = "Access token from POST /api/auth/login",
        };
        result["security"] = new JsonArray(new JsonObject { [BearerScheme] = new JsonArray() });
        return result;
    }

    private static JsonObject ObjectAt(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject child)
        {
            child = [];
            parent[name] = child;
        }

        return child;
    }

    /// <summary>"/api/auth" covers "/api/auth" and "/api/auth/…", never "/api/authors" (case-insensitive, as routing is).</summary>
    public static bool IsUnder(string path, string prefix)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(prefix);
        var trimmed = prefix.TrimEnd('/');
        return path.StartsWith(trimmed, StringComparison.OrdinalIgnoreCase)
            && (path.Length == trimmed.Length || path[trimmed.Length] == '/');
    }
}
