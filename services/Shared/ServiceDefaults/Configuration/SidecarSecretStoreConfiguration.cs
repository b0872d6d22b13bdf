using DaprPlatform.Sidecar;
using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Loads every secret of a sidecar secret store into configuration once at start-up (what the Dapr SDK's
/// AddDaprSecretStore does), so connection strings and keys are read like any other setting.
/// A single-value secret named "jwt:signingKey" becomes the key "jwt:signingKey"; a multi-key secret
/// (Kubernetes) becomes "name:key".
/// </summary>
internal sealed class SidecarSecretStoreConfigurationSource(string storeName, SidecarOptions sidecar, TimeSpan sidecarWait) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(storeName, sidecar, sidecarWait);

    private sealed class Provider(string storeName, SidecarOptions sidecar, TimeSpan sidecarWait) : ConfigurationProvider
    {
        // Configuration loading is synchronous by contract; this runs once, before the host starts.
        public override void Load() => LoadAsync().GetAwaiter().GetResult();

        private async Task LoadAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            var client = new SidecarClient(http, sidecar);
            await client.WaitForSidecarAsync(sidecarWait);
            var secrets = await client.GetBulkSecretAsync(storeName);

            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in secrets)
            {
                foreach (var (key, value) in values)
                {
                    data[values.Count == 1 && key == name ? name : $"{name}:{key}"] = value;
                }
            }

            Data = data;
        }
    }
}
