using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>One programmatic subscription: what /dapr/subscribe advertises and how its route delivers.</summary>
public abstract class TopicSubscription
{
    protected TopicSubscription(string pubSubName, string topic, string route, string? deadLetterTopic, BulkSubscribeOptions? bulk)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pubSubName);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        if (bulk is not null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bulk.MaxMessagesCount);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bulk.MaxAwaitDurationMs);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bulk.MaxParallelism);
        }

        PubSubName = pubSubName;
        Topic = topic;
        Route = route.StartsWith('/') ? route : "/" + route;
        DeadLetterTopic = string.IsNullOrWhiteSpace(deadLetterTopic) ? null : deadLetterTopic;
        Bulk = bulk;
    }

    public string PubSubName { get; }

    public string Topic { get; }

    public string Route { get; }

    public string? DeadLetterTopic { get; }

    /// <summary>Set when the subscription asks the sidecar for bulk delivery.</summary>
    public BulkSubscribeOptions? Bulk { get; }

    public abstract Type EventType { get; }

    internal abstract Task<TopicResponse> DeliverAsync(JsonElement cloudEvent, CloudEventEnvelope envelope, HttpContext context, ILogger logger);

    /// <summary>Handles one bulk delivery and returns a status for every entry it names.</summary>
    internal abstract Task<IReadOnlyList<BulkTopicEntryStatus>> DeliverBulkAsync(BulkDelivery delivery, HttpContext context, ILogger logger);

    /// <summary>Unwraps each entry; an entry that cannot be read is answered DROP, as redelivering it will never succeed.</summary>
    private protected List<BulkTopicEntry<TEvent>> ReadEntries<TEvent>(BulkDelivery delivery, List<BulkTopicEntryStatus> unreadable, ILogger logger)
    {
        var readable = new List<BulkTopicEntry<TEvent>>(delivery.Entries.Count);
        foreach (var entry in delivery.Entries)
        {
            var cloudEvent = BulkDeliveryReader.AsCloudEvent(entry);
            if (!CloudEventReader.TryReadEnvelope(cloudEvent, out var envelope, out var error)
                || !CloudEventReader.TryReadData<TEvent>(cloudEvent, out var data, out error))
            {
                logger.LogWarning("Dropping bulk entry {EntryId} on {PubSub}/{Topic}: {Reason}", entry.EntryId, PubSubName, Topic, error);
                unreadable.Add(new BulkTopicEntryStatus(entry.EntryId, TopicResponse.Drop));
                continue;
            }

            readable.Add(new BulkTopicEntry<TEvent>(entry.EntryId, data, envelope, entry.ContentType, entry.Metadata));
        }

        return readable;
    }
}

/// <summary>A per-message handler; under bulk delivery each entry is handled on its own (bounded parallelism, one DI scope per entry).</summary>
internal sealed class TopicSubscription<TEvent, THandler>(string pubSubName, string topic, string route, string? deadLetterTopic, BulkSubscribeOptions? bulk)
    : TopicSubscription(pubSubName, topic, route, deadLetterTopic, bulk)
    where THandler : class, ITopicHandler<TEvent>
{
    public override Type EventType => typeof(TEvent);

    internal override async Task<TopicResponse> DeliverAsync(JsonElement cloudEvent, CloudEventEnvelope envelope, HttpContext context, ILogger logger)
    {
        if (!CloudEventReader.TryReadData<TEvent>(cloudEvent, out var data, out var error))
        {
            // Redelivering a body that cannot be read will never succeed.
            logger.LogWarning("Dropping event {EventId} on {PubSub}/{Topic}: {Reason}", envelope.Id, PubSubName, Topic, error);
            return TopicResponse.Drop;
        }

        return await HandleAsync(context.RequestServices.GetRequiredService<THandler>(), data, envelope, logger, context.RequestAborted);
    }

    internal override async Task<IReadOnlyList<BulkTopicEntryStatus>> DeliverBulkAsync(BulkDelivery delivery, HttpContext context, ILogger logger)
    {
        var statuses = new List<BulkTopicEntryStatus>(delivery.Entries.Count);
        var readable = ReadEntries<TEvent>(delivery, statuses, logger);
        var results = new BulkTopicEntryStatus[readable.Count];
        var scopes = context.RequestServices.GetRequiredService<IServiceScopeFactory>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Bulk?.MaxParallelism ?? 8, CancellationToken = context.RequestAborted };
        await Parallel.ForEachAsync(Enumerable.Range(0, readable.Count), options, async (i, ct) =>
        {
            // Handlers are scoped (a DbContext is not safe across parallel entries), so each entry gets its own scope.
            await using var scope = scopes.CreateAsyncScope();
            var entry = readable[i];
            // One consumer span per entry, as for a single delivery (the entries may come from different traces).
            using var activity = SubscriptionTelemetry.StartProcess(this, context, entry.Envelope);
            var status = await HandleAsync(scope.ServiceProvider.GetRequiredService<THandler>(), entry.Event, entry.Envelope, logger, ct);
            SubscriptionTelemetry.Completed(activity, status);
            results[i] = new BulkTopicEntryStatus(entry.EntryId, status);
        });
        statuses.AddRange(results);
        return statuses;
    }

    private async Task<TopicResponse> HandleAsync(THandler handler, TEvent data, CloudEventEnvelope envelope, ILogger logger, CancellationToken ct)
    {
        try
        {
            return await handler.HandleAsync(data, envelope, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Handler {Handler} failed for event {EventId} on {PubSub}/{Topic}; asking the sidecar to retry", typeof(THandler).Name, envelope.Id, PubSubName, Topic);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return TopicResponse.Retry;
        }
    }
}

/// <summary>
/// A whole-delivery handler. A single CloudEvent (a sidecar that delivers this component one by one) reaches it as a bulk
/// message of one entry whose entry id is the event id.
/// </summary>
internal sealed class BulkTopicSubscription<TEvent, THandler>(string pubSubName, string topic, string route, string? deadLetterTopic, BulkSubscribeOptions bulk)
    : TopicSubscription(pubSubName, topic, route, deadLetterTopic, bulk)
    where THandler : class, IBulkTopicHandler<TEvent>
{
    public override Type EventType => typeof(TEvent);

    internal override async Task<TopicResponse> DeliverAsync(JsonElement cloudEvent, CloudEventEnvelope envelope, HttpContext context, ILogger logger)
    {
        var single = new BulkDelivery(envelope.Id, envelope.Topic ?? Topic, envelope.PubSubName ?? PubSubName, new Dictionary<string, string>(),
            [new BulkDeliveryEntry(envelope.Id, cloudEvent, "application/cloudevents+json", new Dictionary<string, string>())]);
        var statuses = await DeliverBulkAsync(single, context, logger);
        return statuses.FirstOrDefault(s => s.EntryId == envelope.Id)?.Status ?? TopicResponse.Retry;
    }

    internal override async Task<IReadOnlyList<BulkTopicEntryStatus>> DeliverBulkAsync(BulkDelivery delivery, HttpContext context, ILogger logger)
    {
        var statuses = new List<BulkTopicEntryStatus>(delivery.Entries.Count);
        var readable = ReadEntries<TEvent>(delivery, statuses, logger);
        if (readable.Count == 0) { return statuses; }
        var handler = context.RequestServices.GetRequiredService<THandler>();
        var message = new BulkTopicMessage<TEvent>(delivery.Id, delivery.Topic, delivery.PubSubName, delivery.Metadata, readable);
        BulkTopicResponse response;
        try
        {
            response = await handler.HandleAsync(message, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "Bulk handler {Handler} failed for delivery {DeliveryId} on {PubSub}/{Topic}; asking the sidecar to retry its entries", typeof(THandler).Name, delivery.Id, PubSubName, Topic);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, ex.Message);
            response = new BulkTopicResponse([]);
        }

        // Only ids of this delivery count; an entry the handler left out is reported RETRY (what the sidecar would assume anyway).
        var answered = response.Statuses
            .Where(s => readable.Any(e => e.EntryId == s.EntryId))
            .GroupBy(s => s.EntryId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Status, StringComparer.Ordinal);
        statuses.AddRange(readable.Select(e => new BulkTopicEntryStatus(e.EntryId, answered.GetValueOrDefault(e.EntryId, TopicResponse.Retry))));
        return statuses;
    }
}
