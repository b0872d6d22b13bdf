using DaprPlatform.Sidecar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DaprPlatform.ServiceDefaults;

/// <summary>Ready only when the sidecar answers its outbound health probe (components loaded, API port up).</summary>
internal sealed class SidecarHealthCheck(IServiceProvider services, SidecarOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.SidecarExpected)
        {
            return HealthCheckResult.Healthy("Not running beside a sidecar (no DAPR_HTTP_PORT or DAPR_HTTP_ENDPOINT).");
        }

        try
        {
            var client = services.GetRequiredService<SidecarClient>();
            return await client.CheckOutboundHealthAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The sidecar is not ready.");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("The sidecar is unreachable.", ex);
        }
    }
}
