using System.Diagnostics;
using System.Text.Json;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.ServiceDefaults;

/// <summary>What a subscriber tells the sidecar about one delivered event (the pub/sub subscription API's <c>status</c>).</summary>
public enum SubscriberStatus
{
    /// <summary>Processed (or already processed): acknowledge.</summary>
    Success,

    /// <summary>Could not be processed now: deliver again later.</summary>
    Retry,

    /// <summary>Can never be processed: do not deliver again (the sidecar sends it to the dead-letter topic, if any).</summary>
    Drop,
}

/// <summary>One event as a handler sees it: its data and the CloudEvent id it is deduplicated on.</summary>
public sealed record TopicEvent<TData>(TData Data, string Id);

/// <summary>
/// A typed pub/sub route on Dapr.AspNetCore: <c>WithTopic</c> declares the subscription (served by <c>MapSubscribeHandler</c>),
/// <c>UseCloudEvents</c> unwraps the envelope and forwards its id as the <c>Cloudevent.id</c> header. What the SDK leaves to the
/// app is done here once: an event whose data cannot be read, or that has no id, is answered DROP (retrying it can never
/// succeed, and the sidecar then dead-letters it) instead of a 400 that the sidecar would retry forever, and the handler's
/// verdict is sent as the subscription API's <c>{"status": …}</c>. An exception in the handler stays a 500: the sidecar retries.
/// </summary>
public static partial class TopicDelivery
{
    /// <summary>The header Dapr.AspNetCore's CloudEvents middleware puts the CloudEvent id in.</summary>
    public const string CloudEventIdHeader = "Cloudevent.id";

    /// <summary>
    /// Dapr.AspNetCore's <c>UseCloudEvents</c>, forwarding only the CloudEvent id as a header. That middleware parses every
    /// CloudEvent body before the endpoint runs and throws on malformed JSON (a 500, which the sidecar would retry forever):
    /// on a subscription route such a delivery is answered DROP, elsewhere it is a 400 problem.
    /// </summary>
    public static IApplicationBuilder UseCloudEventDeliveries(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (JsonException ex) when (!context.Response.HasStarted)
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<ITopicMetadata>() is not { } topic)
                {
                    throw new BadHttpRequestException("The CloudEvent is not valid JSON.", StatusCodes.Status400BadRequest, ex);
                }

                await Drop(context, topic.PubsubName, topic.Name, "(unread)", "the CloudEvent is not valid JSON").ExecuteAsync(context);
            }
        });
        return app.UseCloudEvents(new CloudEventsMiddlewareOptions
        {
            ForwardCloudEventPropertiesAsHeaders = true,
            IncludedCloudEventPropertiesAsHeaders = ["id"],
        });
    }

    public static RouteHandlerBuilder MapTopic<TData, THandler>(
        this IEndpointRouteBuilder app, string route, TopicOptions topic, Func<THandler, TopicEvent<TData>, CancellationToken, Task<SubscriberStatus>> handle)
        where THandler : notnull
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(handle);
        return app.MapPost(route, async (HttpContext context) =>
            {
                var id = context.Request.Headers[CloudEventIdHeader].ToString();
                TData? data = default;
                string? unreadable = id.Length == 0 ? "no CloudEvent id" : null;
                if (unreadable is null)
                {
                    try
                    {
                        data = await JsonSerializer.DeserializeAsync<TData>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted);
                        unreadable = data is null ? "no data" : null;
                    }
                    catch (JsonException ex)
                    {
                        unreadable = ex.Message;
                    }
                }

                if (unreadable is not null)
                {
                    return Drop(context, topic.PubsubName, topic.Name, id, unreadable);
                }

                using var activity = PubSubDeliveryMetrics.Source.StartActivity($"{topic.Name} process", ActivityKind.Consumer);
                activity?.SetTag("messaging.system", "dapr");
                activity?.SetTag("messaging.operation.type", "process");
                activity?.SetTag("messaging.destination.name", topic.Name);
                activity?.SetTag("dapr.pubsub.name", topic.PubsubName);
                activity?.SetTag("messaging.message.id", id);
                var handler = context.RequestServices.GetRequiredService<THandler>();
                var status = await handle(handler, new TopicEvent<TData>(data!, id), context.RequestAborted);
                activity?.SetTag("daprplatform.outcome", PubSubDeliveryMetrics.Outcome(status));
                if (status == SubscriberStatus.Retry)
                {
                    activity?.SetStatus(ActivityStatusCode.Error);
                }

                context.RequestServices.GetRequiredService<PubSubDeliveryMetrics>().Delivered(topic.PubsubName, topic.Name, status);
                return Answer(status);
            })
            .WithTopic(topic)
            .ExcludeFromDescription();
    }

    /// <summary>The subscription API's reply: 200 with <c>{"status": "SUCCESS" | "RETRY" | "DROP"}</c>.</summary>
    public static IResult Answer(SubscriberStatus status) => Results.Json(new
    {
        status = status switch
        {
            SubscriberStatus.Success => "SUCCESS",
            SubscriberStatus.Retry => "RETRY",
            _ => "DROP",
        },
    });

    /// <summary>An event that can never be read: logged, counted, answered DROP.</summary>
    private static IResult Drop(HttpContext context, string pubSubName, string topic, string eventId, string reason)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TopicDelivery));
        LogUnreadable(logger, eventId, pubSubName, topic, reason);
        context.RequestServices.GetRequiredService<PubSubDeliveryMetrics>().Delivered(pubSubName, topic, SubscriberStatus.Drop);
        return Answer(SubscriberStatus.Drop);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping event {EventId} on {PubSub}/{Topic}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string eventId, string pubSub, string topic, string reason);
}
