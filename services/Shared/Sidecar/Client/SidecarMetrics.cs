using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DaprPlatform.Sidecar;

/// <summary>
/// The sidecar library's instruments on the meter <see cref="MeterName"/>, created through <see cref="IMeterFactory"/>
/// so each host (and each test host) owns its meter. Registered as a singleton by AddSidecarClient.
/// </summary>
public sealed class SidecarMetrics
{
    public const string MeterName = "DaprPlatform.Sidecar";

    private readonly Counter<long> _pubSubDeliveries;
    private readonly Counter<long> _actorTurns;
    private readonly Histogram<double> _actorTurnDuration;
    private readonly Counter<long> _workflowActivities;

    public SidecarMetrics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var meter = meterFactory.Create(MeterName);
        _pubSubDeliveries = meter.CreateCounter<long>("daprplatform.pubsub.deliveries", "{message}", "Pub/sub events delivered to the app, by the reply given to the sidecar.");
        _actorTurns = meter.CreateCounter<long>("daprplatform.actor.turns", "{turn}", "Actor turns (method calls, reminders, timers) run by this app.");
        // Second-scale buckets (the SDK default ones assume milliseconds).
        _actorTurnDuration = meter.CreateHistogram("daprplatform.actor.turn.duration", "s", "Time an actor turn ran, from holding the turn lock to its state being saved.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _workflowActivities = meter.CreateCounter<long>("daprplatform.workflow.activities", "{execution}", "Workflow activity executions, by outcome.");
    }

    internal void PubSubDelivered(string pubSubName, string topic, string outcome) =>
        _pubSubDeliveries.Add(1, new TagList
        {
            { "messaging.system", "dapr" },
            { "messaging.destination.name", topic },
            { "dapr.pubsub.name", pubSubName },
            { "daprplatform.outcome", outcome },
        });

    internal void ActorTurn(string actorType, string method, string callKind, string outcome, TimeSpan elapsed)
    {
        // The actor id stays off metrics: one series per id would grow without bound.
        var tags = new TagList
        {
            { "dapr.actor.type", actorType },
            { "dapr.actor.method", method },
            { "dapr.actor.call_kind", callKind },
            { "daprplatform.outcome", outcome },
        };
        _actorTurns.Add(1, tags);
        _actorTurnDuration.Record(elapsed.TotalSeconds, tags);
    }

    internal void WorkflowActivity(string activityName, string outcome) =>
        _workflowActivities.Add(1, new TagList
        {
            { "dapr.workflow.activity.name", activityName },
            { "daprplatform.outcome", outcome },
        });
}
