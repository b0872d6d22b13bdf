using DaprPlatform.DevHost.Sidecar;
using Grpc.Core;

namespace DaprPlatform.DevHost.Secrets;

/// <summary>
/// The secrets building block behind both listeners of one sidecar, with the Configuration's secrets.scopes applied
/// (daprd's pkg/api/universal/secrets.go; errors from pkg/messages/predefined.go).
/// </summary>
internal sealed class SecretsApi(SidecarRuntime sidecar)
{
    public IReadOnlyDictionary<string, string> Get(string store, string name)
    {
        var secretStore = Store(store);
        if (Scope(store) is { } scope && !scope.Allows(name))
        {
            throw new DaprApiException("ERR_PERMISSION_DENIED", $"access denied by policy to get \"{name}\" from \"{store}\"", 403, StatusCode.PermissionDenied);
        }

        // local.file answers a missing secret with an error, which daprd reports as ERR_SECRET_GET.
        return secretStore.Get(name)
            ?? throw new DaprApiException("ERR_SECRET_GET", $"failed getting secret with key {name} from secret store {store}: secret {name} not found", 500, StatusCode.Internal);
    }

    /// <summary>Every secret the scope allows; the others are left out, not refused.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GetBulk(string store)
    {
        var secretStore = Store(store);
        var scope = Scope(store);
        return secretStore.GetAll().Where(kv => scope is null || scope.Allows(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    private Configuration.SecretScope? Scope(string store) => sidecar.Resources.Configuration.SecretScopes.FirstOrDefault(s => s.StoreName == store);

    private ISecretStore Store(string store)
    {
        if (sidecar.SecretStores.Count == 0)
        {
            throw new DaprApiException("ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured", 500, StatusCode.FailedPrecondition);
        }

        // daprd answers an unknown store with 401 over HTTP (ErrSecretStoreNotFound).
        return sidecar.SecretStores.TryGetValue(store, out var secretStore)
            ? secretStore
            : throw new DaprApiException("ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {store}", 401, StatusCode.InvalidArgument);
    }
}
