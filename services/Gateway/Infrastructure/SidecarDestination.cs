using Dapr;
using Yarp.ReverseProxy.Configuration;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// Every cluster of the gateway has one destination: its own sidecar's HTTP API. Its address is known only at run time
/// (`dapr run`, DevHost and the Kubernetes injector set DAPR_HTTP_PORT or DAPR_HTTP_ENDPOINT), so it is read here the way
/// the Dapr SDK reads it (configuration, then environment) instead of being written into the "ReverseProxy" section.
/// </summary>
public sealed class SidecarDestination(IConfiguration configuration) : IProxyConfigFilter
{
    public const string DestinationId = "daprd";

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var sidecar = new DestinationConfig { Address = DaprDefaults.GetDefaultHttpEndpoint(configuration) };
        return ValueTask.FromResult(cluster with
        {
            Destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase) { [DestinationId] = sidecar },
        });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
