using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

/// <summary>One event of a <c>channel.metrics</c> delivery; <see cref="Batch"/> and <see cref="EventId"/> are null when unreadable.</summary>
public sealed record MetricsDelivery(string EntryId, string? EventId, ChannelMetricsBatch? Batch);

public static class ChannelMetricsSubscription
{
    public const string Topic = PlatformTopics.ChannelMetrics;

    public static IEndpointRouteBuilder MapChannelMetricsSubscription(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/channel-metrics", HandleAsync)
            .WithTopic(PlatformTopics.Subscription(Topic))
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = Topic, MaxMessagesCount = 100, MaxAwaitDurationMs = 200 })
            .WithMetadata(Deliveries.BodyLimit)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A bulk delivery (<c>{entries:[{entryId, event, …}]}</c>) is answered with a status per entry; a single CloudEvent
    /// (a sidecar delivering one by one, unwrapped by the CloudEvents middleware) with one status.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, ChannelMetricsReceived received, PubSubDeliveryMetrics metrics, CancellationToken ct)
    {
        var body = await Deliveries.ReadBodyAsync(request, ct);
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            // An entry without an id cannot be answered; daprd treats it as RETRY.
            var deliveries = entries.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("entryId", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(ReadEntry)
                .ToList();
            var statuses = await received.HandleAsync(deliveries, ct);
            foreach (var verdict in statuses.GroupBy(e => e.Status))
            {
                metrics.Delivered(PlatformTopics.PubSub, Topic, Verdict(verdict.Key), verdict.Count());
            }

            return Results.Json(new BulkSubscribeAppResponse([.. statuses]));
        }

        var single = await received.HandleAsync([new MetricsDelivery("single", Deliveries.EventId(request), Deliveries.TryRead<ChannelMetricsBatch>(body))], ct);
        var status = Verdict(single[0].Status);
        metrics.Delivered(PlatformTopics.PubSub, Topic, status);
        return TopicDelivery.Answer(status);
    }

    /// <summary>The SDK's bulk entry carries its status as text ("SUCCESS", "RETRY", "DROP").</summary>
    private static SubscriberStatus Verdict(string status) => status switch
    {
        nameof(BulkSubscribeAppResponseStatus.SUCCESS) => SubscriberStatus.Success,
        nameof(BulkSubscribeAppResponseStatus.RETRY) => SubscriberStatus.Retry,
        _ => SubscriberStatus.Drop,
    };

    private static MetricsDelivery ReadEntry(JsonElement entry)
    {
        var entryId = entry.GetProperty("entryId").GetString()!;
        if (!entry.TryGetProperty("event", out var cloudEvent) || cloudEvent.ValueKind != JsonValueKind.Object)
        {
            return new MetricsDelivery(entryId, null, null);
        }

        var eventId = cloudEvent.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        var batch = cloudEvent.TryGetProperty("data", out var data) ? Deliveries.TryRead<ChannelMetricsBatch>(data) : null;
        return new MetricsDelivery(entryId, string.IsNullOrEmpty(eventId) ? null : eventId, batch);
    }
}

/// <summary>
/// <c>channel.metrics</c> with bulk delivery: the entries of one delivery are grouped by channel and each channel's actor gets
/// ONE call with the merged samples, so a burst costs one actor turn per channel instead of one per event.
/// An entry is answered SUCCESS only once its samples are durable: the actor saves them (its journal) before it answers,
/// and the inbox records the CloudEvent ids after that, in one transaction. Idempotent twice over: the inbox skips CloudEvent
/// ids already processed, and the actor skips sample ids it has seen (covering a crash between the actor's save and the inbox
/// commit). Statuses are per channel: a failed actor call retries only that channel's entries.
/// </summary>
public sealed partial class ChannelMetricsReceived(
    IServiceScopeFactory scopes,
    ChannelMetricsActors actors,
    ILogger<ChannelMetricsReceived> logger)
{
    public const string Consumer = "analytics.channel-metrics";

    /// <summary>Channels ingested at once; each uses its own DbContext for the inbox.</summary>
    private const int ChannelParallelism = 8;

    public async Task<IReadOnlyList<BulkSubscribeAppResponseEntry>> HandleAsync(IReadOnlyList<MetricsDelivery> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var statuses = new List<BulkSubscribeAppResponseEntry>(entries.Count);
        var valid = new List<ValidDelivery>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry is not { EventId: { } eventId, Batch: { Samples: not null } batch } || batch.ChannelId == Guid.Empty)
            {
                LogInvalid(logger, entry.EventId ?? "(none)");
                statuses.Add(new BulkSubscribeAppResponseEntry(entry.EntryId, BulkSubscribeAppResponseStatus.DROP));
                continue;
            }

            valid.Add(new ValidDelivery(entry.EntryId, eventId, batch));
        }

        var channels = valid.GroupBy(e => e.Batch.ChannelId).ToList();
        var outcomes = new BulkSubscribeAppResponseStatus[channels.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, channels.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ChannelParallelism, CancellationToken = ct },
            async (i, token) => outcomes[i] = await IngestChannelAsync(channels[i].Key, channels[i].ToList(), token));
        for (var i = 0; i < channels.Count; i++)
        {
            statuses.AddRange(channels[i].Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, outcomes[i])));
        }

        return statuses;
    }

    private async Task<BulkSubscribeAppResponseStatus> IngestChannelAsync(Guid channelId, List<ValidDelivery> entries, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<Inbox<AnalyticsDbContext>>();
        try
        {
            IngestResult? result = null;
            var fresh = await inbox.ProcessBatchOnceAsync(
                entries.Select(e => e.EventId).ToList(),
                Consumer,
                async (ids, _) =>
                {
                    // A CloudEvent id twice in one delivery is one event: its samples go in once.
                    var samples = entries
                        .Where(e => ids.Contains(e.EventId, StringComparer.Ordinal))
                        .DistinctBy(e => e.EventId, StringComparer.Ordinal)
                        .SelectMany(e => e.Batch.Samples)
                        .ToList();
                    result = await actors.For(channelId).IngestAsync(new ChannelMetricsBatch(channelId, samples));
                },
                ct);
            if (result is not null)
            {
                LogIngested(logger, fresh.Count, entries.Count - fresh.Count, channelId, result.Accepted, result.Duplicates, result.TooOld + result.InFuture + result.Invalid);
            }

            // Entries already in the inbox were processed before: acknowledged without ingesting again.
            return BulkSubscribeAppResponseStatus.SUCCESS;
        }
        catch (Exception ex) when (ChannelMetricsActors.IsUnavailable(ex))
        {
            // The actor could not be reached or could not save; the sidecar redelivers and sample-id dedupe keeps the retry harmless.
            LogActorUnavailable(logger, ex, entries.Count, channelId);
            return BulkSubscribeAppResponseStatus.RETRY;
        }
        catch (DbUpdateException ex)
        {
            // A concurrent delivery recorded one of these ids first; on redelivery the inbox skips what it already has.
            LogInboxConflict(logger, ex, channelId);
            return BulkSubscribeAppResponseStatus.RETRY;
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

    private sealed record ValidDelivery(string EntryId, string EventId, ChannelMetricsBatch Batch);
}
