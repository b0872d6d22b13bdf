using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Sidecar;
using DaprPlatform.Sidecar.Messaging;
using DaprPlatform.Sidecar.Subscriptions;

namespace DaprPlatform.Analytics.Features;

/// <summary>
/// <c>channel.metrics</c> → the batch goes to its channel's actor. Idempotent twice over: the inbox skips a CloudEvent id
/// already processed, and the actor skips sample ids it has seen (covering a crash between the actor call and the inbox commit).
/// </summary>
public sealed partial class ChannelMetricsReceived(
    Inbox<AnalyticsDbContext> inbox,
    ChannelMetricsActors actors,
    ILogger<ChannelMetricsReceived> logger) : ITopicHandler<ChannelMetricsBatch>
{
    public const string Consumer = "analytics.channel-metrics";

    public async Task<TopicResponse> HandleAsync(ChannelMetricsBatch data, CloudEventEnvelope envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(envelope);
        if (data.ChannelId == Guid.Empty || data.Samples is null)
        {
            LogInvalid(logger, envelope.Id);
            return TopicResponse.Drop;
        }

        try
        {
            IngestResult? result = null;
            var outcome = await inbox.ProcessOnceAsync(envelope.Id, Consumer, async _ => result = await actors.For(data.ChannelId).IngestAsync(data), ct);
            if (result is not null)
            {
                LogIngested(logger, envelope.Id, data.ChannelId, result.Accepted, result.Duplicates, result.TooOld + result.InFuture + result.Invalid);
            }

            return outcome is InboxResult.Processed or InboxResult.Duplicate ? TopicResponse.Success : TopicResponse.Retry;
        }
        catch (Exception ex) when (ex is SidecarException or SidecarUnavailableException or HttpRequestException)
        {
            // The actor could not be reached; the sidecar redelivers and sample-id dedupe keeps the retry harmless.
            LogActorUnavailable(logger, ex, envelope.Id, data.ChannelId);
            return TopicResponse.Retry;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping channel.metrics event {EventId}: no channel id or samples")]
    private static partial void LogInvalid(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "channel.metrics {EventId} for {ChannelId}: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogIngested(ILogger logger, string eventId, Guid channelId, int accepted, int duplicates, int rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel.metrics {EventId}: actor for {ChannelId} unavailable, asking for redelivery")]
    private static partial void LogActorUnavailable(ILogger logger, Exception ex, string eventId, Guid channelId);
}
