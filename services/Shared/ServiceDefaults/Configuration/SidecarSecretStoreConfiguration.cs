using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Loads every secret of a sidecar secret store into configuration once at start-up, so connection strings and keys are
/// read like any other setting. A single-value secret named "jwt:signingKey" becomes the key "jwt:signingKey"; a multi-key
/// secret (Kubernetes) becomes "name:key". The SDK's own provider (Dapr.Extensions.Configuration) is not in the package
/// source, and it names multi-key secrets by their inner key only.
/// </summary>
/// <param name="sidecarSettings">Where DAPR_GRPC_PORT / DAPR_HTTP_PORT / DAPR_API_TOKEN are read from (configuration, then environment).</param>
internal sealed class SidecarSecretStoreConfigurationSource(string storeName, IConfiguration sidecarSettings, TimeSpan sidecarWait) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(storeName, sidecarSettings, sidecarWait);

    private sealed class Provider(string storeName, IConfiguration sidecarSettings, TimeSpan sidecarWait) : ConfigurationProvider
    {
        // Configuration loading is synchronous by contract; this runs once, before the host starts.
        public override void Load() => LoadAsync().GetAwaiter().GetResult();

        private async Task LoadAsync()
        {
            using var client = new DaprClientBuilder()
                .UseGrpcEndpoint(DaprDefaults.GetDefaultGrpcEndpoint(sidecarSettings))
                .UseHttpEndpoint(DaprDefaults.GetDefaultHttpEndpoint(sidecarSettings))
                .UseDaprApiToken(DaprDefaults.GetDefaultDaprApiToken(sidecarSettings))
                .Build();
            using (var wait = new CancellationTokenSource(sidecarWait))
            {
                await client.WaitForSidecarAsync(wait.Token);
            }

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
