using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Subscriptions;

/// <summary>Consumer spans and delivery counts for the app-side subscription routes.</summary>
internal static class SubscriptionTelemetry
{
    /// <summary>
    /// A consumer span for one delivered CloudEvent. When the sidecar's request carried a traceparent, the span is a child
    /// of the request (real daprd already continues the CloudEvent's trace there); otherwise it continues the CloudEvent's
    /// own traceparent, so the publisher's trace reaches the handler either way.
    /// </summary>
    public static Activity StartProcess(TopicSubscription subscription, HttpContext context, CloudEventEnvelope envelope)
    {
        var header = context.Request.Headers[SidecarTelemetry.TraceParentHeader].FirstOrDefault();
        var parent = string.IsNullOrEmpty(header)
            ? envelope.TraceParent
            : Activity.Current is null ? header : null;
        var activity = SidecarTelemetry.StartActivity($"{subscription.Topic} process", ActivityKind.Consumer, parent);
        Tag(activity, subscription);
        activity.SetTag("messaging.message.id", envelope.Id);
        activity.SetTag("cloudevents.event_id", envelope.Id);
        activity.SetTag("cloudevents.event_source", envelope.Source);
        activity.SetTag("cloudevents.event_type", envelope.Type);
        return activity;
    }

    public static void Tag(Activity activity, TopicSubscription subscription)
    {
        activity.SetTag("messaging.system", "dapr");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", subscription.Topic);
        activity.SetTag("dapr.pubsub.name", subscription.PubSubName);
    }

    /// <summary>Records the reply given for the event on its span.</summary>
    public static void Completed(Activity activity, TopicResponse response)
    {
        activity.SetTag("daprplatform.outcome", Outcome(response));
        if (response == TopicResponse.Retry && activity.Status == ActivityStatusCode.Unset)
        {
            activity.SetStatus(ActivityStatusCode.Error, "retry requested");
        }
    }

    /// <summary>Counts one reply in daprplatform.pubsub.deliveries.</summary>
    public static void Count(TopicSubscription subscription, HttpContext context, TopicResponse response) =>
        context.RequestServices.GetService<SidecarMetrics>()?.PubSubDelivered(subscription.PubSubName, subscription.Topic, Outcome(response));

    public static string Outcome(TopicResponse response) => response switch
    {
        TopicResponse.Success => "success",
        TopicResponse.Retry => "retry",
        _ => "drop",
    };
}
