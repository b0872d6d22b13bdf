using System.Collections.Concurrent;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>
/// Stands in for the SDK's proxy factory: every <see cref="IChannelMetrics.IngestAsync"/> is recorded and answered as
/// fully accepted, or fails as an unreachable actor does for the channels in <see cref="Failing"/>.
/// </summary>
public sealed class RecordingActorProxies : IActorProxyFactory
{
    public ConcurrentQueue<(string ChannelId, ChannelMetricsBatch Batch)> Calls { get; } = new();

    public ConcurrentDictionary<string, bool> Failing { get; } = new();

    public TActorInterface CreateActorProxy<TActorInterface>(ActorId actorId, string actorType, ActorProxyOptions? options = null)
        where TActorInterface : IActor =>
        (TActorInterface)(object)new Recording(this, actorId.GetId());

    public object CreateActorProxy(ActorId actorId, Type actorInterfaceType, string actorType, ActorProxyOptions? options = null) =>
        new Recording(this, actorId.GetId());

    public ActorProxy Create(ActorId actorId, string actorType, ActorProxyOptions? options = null) =>
        throw new NotSupportedException("Analytics calls its actor through typed proxies only.");

    private sealed class Recording(RecordingActorProxies owner, string id) : IChannelMetrics
    {
        public Task<IngestResult> IngestAsync(ChannelMetricsBatch batch)
        {
            owner.Calls.Enqueue((id, batch));
            return owner.Failing.ContainsKey(id)
                ? Task.FromException<IngestResult>(new DaprApiException("the actor's sidecar answered 500"))
                : Task.FromResult(new IngestResult(batch.Samples.Count, 0, 0, 0, 0));
        }

        public Task<RealtimeView> GetRealtimeAsync(int minutes) => throw new NotSupportedException();

        public Task<SummaryView> GetSummaryAsync(int hours) => throw new NotSupportedException();

        public Task<InsightsView> GetInsightsAsync() => throw new NotSupportedException();
    }
}
