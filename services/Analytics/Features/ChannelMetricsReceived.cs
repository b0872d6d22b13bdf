using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Sidecar;
using DaprPlatform.Messaging;
using DaprPlatform.Sidecar.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

/// <summary>
/// <c>channel.metrics</c> with bulk delivery: the entries of one delivery are grouped by channel and each channel's actor gets
/// ONE call with the merged samples, so a burst costs one actor turn per channel instead of one per event.
/// Idempotent twice over: the inbox skips CloudEvent ids already processed, and the actor skips sample ids it has seen
/// (covering a crash between the actor call and the inbox commit). Statuses are per channel: a failed actor call retries
/// only that channel's entries.
/// </summary>
public sealed partial class ChannelMetricsReceived(
    IServiceScopeFactory scopes,
    ChannelMetricsActors actors,
    ILogger<ChannelMetricsReceived> logger) : IBulkTopicHandler<ChannelMetricsBatch>
{
    public const string Consumer = "analytics.channel-metrics";

    /// <summary>Channels ingested at once; each uses its own DbContext for the inbox.</summary>
    private const int ChannelParallelism = 8;

    public async Task<BulkTopicResponse> HandleAsync(BulkTopicMessage<ChannelMetricsBatch> message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var statuses = new List<BulkTopicEntryStatus>(message.Entries.Count);
        var valid = new List<BulkTopicEntry<ChannelMetricsBatch>>(message.Entries.Count);
        foreach (var entry in message.Entries)
        {
            if (entry.Event.ChannelId == Guid.Empty || entry.Event.Samples is null)
            {
                LogInvalid(logger, entry.Envelope.Id);
                statuses.Add(new BulkTopicEntryStatus(entry.EntryId, TopicResponse.Drop));
                continue;
            }

            valid.Add(entry);
        }

        var channels = valid.GroupBy(e => e.Event.ChannelId).ToList();
        var outcomes = new TopicResponse[channels.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, channels.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ChannelParallelism, CancellationToken = ct },
            async (i, token) => outcomes[i] = await IngestChannelAsync(channels[i].Key, channels[i].ToList(), token));
        for (var i = 0; i < channels.Count; i++)
        {
            statuses.AddRange(channels[i].Select(e => new BulkTopicEntryStatus(e.EntryId, outcomes[i])));
        }

        return new BulkTopicResponse(statuses);
    }

    private async Task<TopicResponse> IngestChannelAsync(Guid channelId, List<BulkTopicEntry<ChannelMetricsBatch>> entries, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<Inbox<AnalyticsDbContext>>();
        try
        {
            IngestResult? result = null;
            var fresh = await inbox.ProcessBatchOnceAsync(
                entries.Select(e => e.Envelope.Id).ToList(),
                Consumer,
                async (ids, _) =>
                {
                    // A CloudEvent id twice in one delivery is one event: its samples go in once.
                    var samples = entries
                        .Where(e => ids.Contains(e.Envelope.Id, StringComparer.Ordinal))
                        .DistinctBy(e => e.Envelope.Id, StringComparer.Ordinal)
                        .SelectMany(e => e.Event.Samples)
                        .ToList();
                    result = await actors.For(channelId).IngestAsync(new ChannelMetricsBatch(channelId, samples));
                },
                ct);
            if (result is not null)
            {
                LogIngested(logger, fresh.Count, entries.Count - fresh.Count, channelId, result.Accepted, result.Duplicates, result.TooOld + result.InFuture + result.Invalid);
            }

            // Entries already in the inbox were processed before: acknowledged without ingesting again.
            return TopicResponse.Success;
        }
        catch (Exception ex) when (ex is SidecarException or SidecarUnavailableException or HttpRequestException)
        {
            // The actor could not be reached; the sidecar redelivers and sample-id dedupe keeps the retry harmless.
            LogActorUnavailable(logger, ex, entries.Count, channelId);
            return TopicResponse.Retry;
        }
        catch (DbUpdateException ex)
        {
            // A concurrent delivery recorded one of these ids first; on redelivery the inbox skips what it already has.
            LogInboxConflict(logger, ex, channelId);
            return TopicResponse.Retry;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping channel.metrics event {EventId}: no channel id or samples")]
    private static partial void LogInvalid(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "channel.metrics: {Events} new events ({Seen} already processed) for {ChannelId} in one actor call: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogIngested(ILogger logger, int events, int seen, Guid channelId, int accepted, int duplicates, int rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel.metrics: actor for {ChannelId} unavailable, asking for redelivery of {Entries} entries")]
    private static partial void LogActorUnavailable(ILogger logger, Exception ex, int entries, Guid channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "channel.metrics: a concurrent delivery for {ChannelId} won the inbox, asking for redelivery")]
    private static partial void LogInboxConflict(ILogger logger, Exception ex, Guid channelId);
}
