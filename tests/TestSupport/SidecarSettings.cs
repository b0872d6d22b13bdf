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

    /// <summary>
    /// The app's own sidecar at <paramref name="http"/> (and <paramref name="grpc"/> for the runtime gRPC API), in both the
    /// _ENDPOINT and _PORT forms the SDK and ServiceDefaults read; no secret store is read at start-up (the test gives the settings).
    /// Without <paramref name="grpc"/> the gRPC API is a closed port: the SDK's default (50001) is the gateway sidecar of a
    /// platform that may be running (the end-to-end suite runs beside the other tests), where a publish would land.
    /// </summary>
    public static IWebHostBuilder UseSidecar(this IWebHostBuilder builder, Uri http, Uri? grpc = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(http);
        builder
            .UseSetting("DAPR_HTTP_ENDPOINT", http.ToString().TrimEnd('/'))
            .UseSetting("DAPR_HTTP_PORT", http.Port.ToString(CultureInfo.InvariantCulture));
        grpc ??= new Uri("http://127.0.0.1:" + FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture));
        builder
            .UseSetting("DAPR_GRPC_ENDPOINT", grpc.ToString().TrimEnd('/'))
            .UseSetting("DAPR_GRPC_PORT", grpc.Port.ToString(CultureInfo.InvariantCulture));

        return builder.UseSetting("Sidecar:SecretStore", "none");
    }
}
