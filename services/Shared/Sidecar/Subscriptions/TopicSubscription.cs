using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>One programmatic subscription: what /dapr/subscribe advertises and how its route delivers.</summary>
public abstract class TopicSubscription
{
    protected TopicSubscription(string pubSubName, string topic, string route, string? deadLetterTopic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pubSubName);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(route);
        PubSubName = pubSubName;
        Topic = topic;
        Route = route.StartsWith('/') ? route : "/" + route;
        DeadLetterTopic = string.IsNullOrWhiteSpace(deadLetterTopic) ? null : deadLetterTopic;
    }

    public string PubSubName { get; }

    public string Topic { get; }

    public string Route { get; }

    public string? DeadLetterTopic { get; }

    public abstract Type EventType { get; }

    internal abstract Task<TopicResponse> DeliverAsync(JsonElement cloudEvent, CloudEventEnvelope envelope, HttpContext context, ILogger logger);
}

internal sealed class TopicSubscription<TEvent, THandler>(string pubSubName, string topic, string route, string? deadLetterTopic)
    : TopicSubscription(pubSubName, topic, route, deadLetterTopic)
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

        var handler = context.RequestServices.GetRequiredService<THandler>();
        try
        {
            return await handler.HandleAsync(data, envelope, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "Handler {Handler} failed for event {EventId} on {PubSub}/{Topic}; asking the sidecar to retry", typeof(THandler).Name, envelope.Id, PubSubName, Topic);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return TopicResponse.Retry;
        }
    }
}
