using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// <c>daprplatform.pubsub.deliveries</c> on the meter <see cref="MeterName"/>: the verdict a subscriber gave the sidecar for each
/// delivered event (bulk: per entry). The SDK records nothing per delivery; ASP.NET Core's request metrics see only "200".
/// </summary>
public sealed class PubSubDeliveryMetrics
{
    public const string MeterName = "DaprPlatform.PubSub";

    /// <summary>The consumer spans (<c>&lt;topic&gt; process</c>), children of the delivery request's server span.</summary>
    public const string ActivitySourceName = "DaprPlatform.PubSub";

    private readonly Counter<long> _deliveries;

    public PubSubDeliveryMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _deliveries = meterFactory.Create(MeterName).CreateCounter<long>(
            "daprplatform.pubsub.deliveries", "{message}", "Pub/sub events delivered to the app, by the verdict given to the sidecar.");
    }

    internal static ActivitySource Source { get; } = new(ActivitySourceName);

    public void Delivered(string pubSubName, string topic, SubscriberStatus status, long count = 1) =>
        _deliveries.Add(count, new TagList
        {
            { "messaging.system", "dapr" },
            { "messaging.destination.name", topic },
            { "dapr.pubsub.name", pubSubName },
            { "daprplatform.outcome", Outcome(status) },
        });

    internal static string Outcome(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Success => "success",
        SubscriberStatus.Retry => "retry",
        _ => "drop",
    };
}
