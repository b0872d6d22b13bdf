using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DaprPlatform.ServiceDefaults;

/// <summary>Ready only when the sidecar answers its outbound health probe (components loaded, API port up).</summary>
internal sealed class SidecarHealthCheck(DaprClient dapr, SidecarPresence sidecar) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!sidecar.Expected)
        {
            return HealthCheckResult.Healthy("Not running beside a sidecar (no DAPR_HTTP_PORT, DAPR_GRPC_PORT or their _ENDPOINT forms).");
        }

        // The SDK answers false (never throws) when the sidecar is unreachable or not ready.
        return await dapr.CheckOutboundHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The sidecar is not ready or unreachable.");
    }
}
