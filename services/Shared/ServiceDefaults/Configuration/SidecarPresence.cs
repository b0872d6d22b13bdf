using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Whether the app runs beside a sidecar, read from the settings the SDK reads (configuration first, then environment):
/// `dapr run`, DevHost and the Kubernetes injector all set DAPR_HTTP_PORT / DAPR_GRPC_PORT. A bare `dotnet run` sets none,
/// and then start-up neither waits for the secret store nor reports the sidecar unready.
/// </summary>
public sealed record SidecarPresence(bool Expected, string? AppId)
{
    private static readonly string[] SidecarSettings = ["DAPR_HTTP_ENDPOINT", "DAPR_HTTP_PORT", "DAPR_GRPC_ENDPOINT", "DAPR_GRPC_PORT"];

    public static SidecarPresence From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var expected = SidecarSettings.Any(name => !string.IsNullOrWhiteSpace(configuration[name] ?? Environment.GetEnvironmentVariable(name)));
        var appId = configuration["APP_ID"] ?? Environment.GetEnvironmentVariable("APP_ID");
        return new SidecarPresence(expected, string.IsNullOrWhiteSpace(appId) ? null : appId.Trim());
    }
}
