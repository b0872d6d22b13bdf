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
    /// <summary>
    /// Body limit of delivery routes, above a service's usual request limit: a bulk delivery is up to maxMessagesCount
    /// events in one body (100 batches of samples are several MiB). Only the sidecar calls these routes (with the app
    /// API token where one is configured), so the larger limit does not widen what the public edge accepts.
    /// </summary>
    public const long MaxDeliveryBytes = 64L * 1024 * 1024;

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
                .WithMetadata(new DeliveryBodyLimit(MaxDeliveryBytes))
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
            SubscriptionTelemetry.Count(subscription, context, TopicResponse.Drop);
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
            SubscriptionTelemetry.Count(subscription, context, TopicResponse.Drop);
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
                SubscriptionTelemetry.Count(subscription, context, TopicResponse.Drop);
                return Reply(TopicResponse.Drop);
            }

            using var activity = SubscriptionTelemetry.StartProcess(subscription, context, envelope);
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["CloudEventId"] = envelope.Id, ["Topic"] = subscription.Topic });
            var outcome = await subscription.DeliverAsync(document.RootElement, envelope, context, logger);
            SubscriptionTelemetry.Completed(activity, outcome);
            SubscriptionTelemetry.Count(subscription, context, outcome);
            return Reply(outcome);
        }
    }

    /// <summary>Bulk subscribe reply (docs: pubsub_api): 200 with {"statuses":[{entryId, status}]}, one per entry.</summary>
    private static async Task<IResult> DeliverBulkAsync(TopicSubscription subscription, BulkDelivery delivery, HttpContext context, ILogger logger)
    {
        var parent = context.Request.Headers[SidecarTelemetry.TraceParentHeader].FirstOrDefault();
        using var activity = SidecarTelemetry.StartActivity($"{subscription.Topic} process", ActivityKind.Consumer, parent);
        SubscriptionTelemetry.Tag(activity, subscription);
        activity.SetTag("messaging.batch.message_count", delivery.Entries.Count);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["BulkDeliveryId"] = delivery.Id, ["Topic"] = subscription.Topic });
        var statuses = await subscription.DeliverBulkAsync(delivery, context, logger);
        foreach (var status in statuses)
        {
            SubscriptionTelemetry.Count(subscription, context, status.Status);
        }

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

/// <summary>Endpoint metadata carrying a route's own request body limit (honoured by ServiceDefaults' body-limit check and by MVC).</summary>
internal sealed record DeliveryBodyLimit(long? MaxRequestBodySize) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata;
