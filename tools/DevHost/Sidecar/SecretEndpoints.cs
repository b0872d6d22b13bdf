namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Secrets API (Dapr docs: reference/api/secrets_api), with Configuration secrets.scopes applied.</summary>
internal static class SecretEndpoints
{
    public static void Map(WebApplication app, SidecarRuntime sidecar)
    {
        app.MapGet("/v1.0/secrets/{store}/bulk", (string store) =>
        {
            if (Resolve(sidecar, store, out var secretStore) is { } error) { return error; }
            var scope = sidecar.Resources.Configuration.SecretScopes.FirstOrDefault(s => s.StoreName == store);

            // Bulk returns only the secrets the scope allows.
            var all = secretStore!.GetAll().Where(kv => scope is null || scope.Allows(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            return Results.Json(all);
        });

        app.MapGet("/v1.0/secrets/{store}/{name}", (string store, string name) =>
        {
            if (Resolve(sidecar, store, out var secretStore) is { } error) { return error; }
            var scope = sidecar.Resources.Configuration.SecretScopes.FirstOrDefault(s => s.StoreName == store);
            if (scope is not null && !scope.Allows(name))
            {
                return DaprError.Result(403, "ERR_PERMISSION_DENIED", $"access denied by policy to get \"{name}\" from \"{store}\"");
            }

            // A secret that does not exist is 204 (secrets API docs).
            return secretStore!.Get(name) is { } secret ? Results.Json(secret) : Results.NoContent();
        });
    }

    private static IResult? Resolve(SidecarRuntime sidecar, string store, out Secrets.ISecretStore? secretStore)
    {
        secretStore = null;
        if (sidecar.SecretStores.Count == 0)
        {
            return DaprError.Result(500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");
        }

        return sidecar.SecretStores.TryGetValue(store, out secretStore)
            ? null
            : DaprError.Result(400, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {store}");
    }
}
