using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Subscriptions;

public static class SidecarEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "DaprPlatform.Sidecar.Subscriptions";

    /// <summary>
    /// GET /dapr/subscribe (v1 programmatic subscriptions) and one POST per registered topic route.
    /// These are sidecar calls, guarded by UseAppApiToken rather than user auth, so they allow anonymous access.
    /// </summary>
    public static IEndpointRouteBuilder MapSidecarEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var subscriptions = app.ServiceProvider.GetServices<TopicSubscription>().ToList();
        var advertised = subscriptions
            .Select(s => new SubscriptionWire(s.PubSubName, s.Topic, s.Route, s.DeadLetterTopic,
                s.Bulk is { } b ? new BulkSubscribeWire(true, b.MaxMessagesCount, b.MaxAwaitDurationMs) : null))
            .ToList();

        app.MapGet("/dapr/subscribe", () => Results.Json(advertised))
            .AllowAnonymous()
            .ExcludeFromDescription();

        foreach (var subscription in subscriptions)
        {
            app.MapPost(subscription.Route, (HttpContext context, ILoggerFactory loggers) => DeliverAsync(subscription, context, loggers.CreateLogger(LoggerCategory)))
                .AllowAnonymous()
                .ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> DeliverAsync(TopicSubscription subscription, HttpContext context, ILogger logger)
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Dropping delivery on {PubSub}/{Topic}: content type {ContentType} is not a structured CloudEvent", subscription.PubSubName, subscription.Topic, contentType);
            return Reply(TopicResponse.Drop);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Dropping delivery on {PubSub}/{Topic}: body is not JSON", subscription.PubSubName, subscription.Topic);
            return Reply(TopicResponse.Drop);
        }

        using (document)
        {
            if (BulkDeliveryReader.IsBulk(document.RootElement))
            {
                return await DeliverBulkAsync(subscription, BulkDeliveryReader.Read(document.RootElement, subscription.Topic, subscription.PubSubName), context, logger);
            }

            // A single CloudEvent also reaches a bulk subscription: a sidecar without bulk support for the component delivers one by one.
            if (!CloudEventReader.TryReadEnvelope(document.RootElement, out var envelope, out var error))
            {
                logger.LogWarning("Dropping delivery on {PubSub}/{Topic}: {Reason}", subscription.PubSubName, subscription.Topic, error);
                return Reply(TopicResponse.Drop);
            }

            var parent = envelope.TraceParent ?? context.Request.Headers[SidecarTelemetry.TraceParentHeader].FirstOrDefault();
            using var activity = SidecarTelemetry.StartActivity($"{subscription.Topic} process", ActivityKind.Consumer, parent);
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.destination.name", subscription.Topic);
            activity.SetTag("messaging.message.id", envelope.Id);
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["CloudEventId"] = envelope.Id, ["Topic"] = subscription.Topic });
            var outcome = await subscription.DeliverAsync(document.RootElement, envelope, context, logger);
            return Reply(outcome);
        }
    }

    /// <summary>Bulk subscribe reply (docs: pubsub_api): 200 with {"statuses":[{entryId, status}]}, one per entry.</summary>
    private static async Task<IResult> DeliverBulkAsync(TopicSubscription subscription, BulkDelivery delivery, HttpContext context, ILogger logger)
    {
        var parent = context.Request.Headers[SidecarTelemetry.TraceParentHeader].FirstOrDefault();
        using var activity = SidecarTelemetry.StartActivity($"{subscription.Topic} process", ActivityKind.Consumer, parent);
        activity.SetTag("messaging.system", "dapr");
        activity.SetTag("messaging.destination.name", subscription.Topic);
        activity.SetTag("messaging.batch.message_count", delivery.Entries.Count);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["BulkDeliveryId"] = delivery.Id, ["Topic"] = subscription.Topic });
        var statuses = await subscription.DeliverBulkAsync(delivery, context, logger);
        return Results.Json(new BulkStatusesWire(statuses.Select(s => new BulkStatusWire(s.EntryId, Wire(s.Status))).ToList()));
    }

    private static IResult Reply(TopicResponse response) => Results.Json(new StatusWire(Wire(response)));

    private static string Wire(TopicResponse response) => response switch
    {
        TopicResponse.Success => "SUCCESS",
        TopicResponse.Retry => "RETRY",
        _ => "DROP",
    };

    private sealed record SubscriptionWire(
        [property: JsonPropertyName("pubsubname")] string PubSubName,
        [property: JsonPropertyName("topic")] string Topic,
        [property: JsonPropertyName("route")] string Route,
        [property: JsonPropertyName("deadLetterTopic"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeadLetterTopic,
        [property: JsonPropertyName("bulkSubscribe"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BulkSubscribeWire? BulkSubscribe);

    private sealed record BulkSubscribeWire(
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("maxMessagesCount")] int MaxMessagesCount,
        [property: JsonPropertyName("maxAwaitDurationMs")] int MaxAwaitDurationMs);

    private sealed record BulkStatusesWire([property: JsonPropertyName("statuses")] IReadOnlyList<BulkStatusWire> Statuses);

    private sealed record BulkStatusWire([property: JsonPropertyName("entryId")] string EntryId, [property: JsonPropertyName("status")] string Status);

    private sealed record StatusWire([property: JsonPropertyName("status")] string Status);
}
