using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Analytics.Actors;

/// <summary>Finds the <see cref="IChannelMetrics"/> actor of a channel (through the sidecar's actor API).</summary>
public sealed class ChannelMetricsActors(ActorProxyFactory proxies)
{
    public IChannelMetrics For(Guid channelId) =>
        proxies.CreateActorProxy<IChannelMetrics>(new ActorId(channelId.ToString()), ChannelMetricsActor.TypeName);
}
