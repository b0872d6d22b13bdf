using System.Globalization;
using Microsoft.AspNetCore.Hosting;

namespace DaprPlatform.TestSupport;

/// <summary>Where an in-process app finds its sidecar: the settings the Dapr SDK reads (configuration before environment).</summary>
public static class SidecarSettings
{
    /// <summary>
    /// No sidecar: the SDK's clients point at closed ports, so outbox rows stay as written and nothing is published into a
    /// DevHost someone may be running on the default ports; no secret store is read at start-up.
    /// </summary>
    public static IWebHostBuilder UseNoSidecar(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:" + FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture))
            .UseSetting("DAPR_GRPC_ENDPOINT", "http://127.0.0.1:" + FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture))
            .UseSetting("Sidecar:SecretStore", "none");
    }
}
