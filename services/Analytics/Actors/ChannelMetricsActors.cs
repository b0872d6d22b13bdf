using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace DaprPlatform.Analytics.Actors;

/// <summary>Finds the <see cref="IChannelMetrics"/> actor of a channel (a typed proxy through the sidecar's actor API).</summary>
public sealed class ChannelMetricsActors(IActorProxyFactory proxies)
{
    public IChannelMetrics For(Guid channelId) =>
        proxies.CreateActorProxy<IChannelMetrics>(new ActorId(channelId.ToString()), ChannelMetricsActor.TypeName);

    /// <summary>The actor could not be reached or its call failed: the sidecar, the network, or the turn itself.</summary>
    public static bool IsUnavailable(Exception ex) => ex is DaprException or HttpRequestException;
}
