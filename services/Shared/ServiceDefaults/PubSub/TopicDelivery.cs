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

    /// <summary>The options for <c>app.UseCloudEvents(...)</c> every subscriber uses: only the id is forwarded as a header.</summary>
    public static CloudEventsMiddlewareOptions MiddlewareOptions => new()
    {
        ForwardCloudEventPropertiesAsHeaders = true,
        IncludedCloudEventPropertiesAsHeaders = ["id"],
    };

    public static RouteHandlerBuilder MapTopic<TData, THandler>(
        this IEndpointRouteBuilder app, string route, TopicOptions topic, Func<THandler, TopicEvent<TData>, CancellationToken, Task<SubscriberStatus>> handle)
        where THandler : notnull
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(handle);
        return app.MapPost(route, async (HttpContext context) =>
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TopicDelivery));
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
                    LogUnreadable(logger, id, topic.PubsubName, topic.Name, unreadable);
                    return Answer(SubscriberStatus.Drop);
                }

                var handler = context.RequestServices.GetRequiredService<THandler>();
                return Answer(await handle(handler, new TopicEvent<TData>(data!, id), context.RequestAborted));
            })
            .WithTopic(topic)
            .ExcludeFromDescription();
    }

    private static IResult Answer(SubscriberStatus status) => Results.Json(new
    {
        status = status switch
        {
            SubscriberStatus.Success => "SUCCESS",
            SubscriberStatus.Retry => "RETRY",
            _ => "DROP",
        },
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping event {EventId} on {PubSub}/{Topic}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string eventId, string pubSub, string topic, string reason);
}
