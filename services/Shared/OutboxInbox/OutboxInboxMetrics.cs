using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DaprPlatform.OutboxInbox;

/// <summary>
/// The outbox's and inbox's instruments on the meter <see cref="MeterName"/>, created through <see cref="IMeterFactory"/>
/// so each host (and each test host) owns its meter. Registered as a singleton by AddOutbox / AddInbox.
/// </summary>
public sealed class OutboxInboxMetrics
{
    public const string MeterName = "DaprPlatform.OutboxInbox";

    /// <summary>The producer spans of outbox publishes.</summary>
    public const string ActivitySourceName = "DaprPlatform.OutboxInbox";

    private readonly Counter<long> _inboxDuplicates;
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset? Oldest)> _outboxBacklogs = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public OutboxInboxMetrics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        var meter = meterFactory.Create(MeterName);
        _inboxDuplicates = meter.CreateCounter<long>("daprplatform.inbox.duplicates", "{message}", "CloudEvents the inbox skipped because their id was already processed by the consumer.");
        OutboxBacklogGauge = meter.CreateObservableGauge("daprplatform.outbox.pending", ObservePending, "{message}", "Outbox rows not yet published (as last read by the dispatcher).");
        OutboxOldestAgeGauge = meter.CreateObservableGauge("daprplatform.outbox.oldest_pending.age", ObserveOldestAge, "s", "Age of the oldest unpublished outbox row (as last read by the dispatcher).");
    }

    internal static ActivitySource Source { get; } = new(ActivitySourceName);

    /// <summary>Enabled only while something listens; the dispatcher skips its backlog read otherwise.</summary>
    internal ObservableInstrument<long> OutboxBacklogGauge { get; }

    internal ObservableInstrument<double> OutboxOldestAgeGauge { get; }

    internal bool OutboxBacklogObserved => OutboxBacklogGauge.Enabled || OutboxOldestAgeGauge.Enabled;

    internal void InboxDuplicates(string consumer, long count)
    {
        if (count > 0)
        {
            _inboxDuplicates.Add(count, new KeyValuePair<string, object?>("daprplatform.inbox.consumer", consumer));
        }
    }

    /// <summary>The dispatcher of <paramref name="outbox"/> read this backlog; the gauges report it on the next collection.</summary>
    internal void OutboxBacklogRead(string outbox, OutboxBacklog backlog)
    {
        // Kept as the oldest row's creation time, so the reported age keeps growing between reads.
        var now = _time.GetUtcNow();
        _outboxBacklogs[outbox] = (backlog.Count, backlog.OldestAge is { } age ? now - age : null);
    }

    private IEnumerable<Measurement<long>> ObservePending() =>
        _outboxBacklogs.Select(b => new Measurement<long>(b.Value.Count, new KeyValuePair<string, object?>("daprplatform.outbox", b.Key)));

    private IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        var now = _time.GetUtcNow();
        return _outboxBacklogs.Select(b => new Measurement<double>(
            b.Value.Oldest is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0,
            new KeyValuePair<string, object?>("daprplatform.outbox", b.Key)));
    }
}
