using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.OutboxInbox.Tests;

/// <summary>The inbox's duplicate counter and the outbox's backlog gauges (meter DaprPlatform.OutboxInbox).</summary>
public sealed class OutboxInboxMetricsTests
{
    [Fact]
    public async Task The_inbox_counts_every_repeated_CloudEvent_id_it_skips()
    {
        // Dapr pub/sub is at-least-once: redeliveries with the same CloudEvent id are expected and counted, not processed.
        await using var host = await OutboxInboxHost.StartAsync(FreeTcpPort.Next());
        using var metrics = new MetricRecorder(host.Services.GetRequiredService<IMeterFactory>());
        Task<InboxResult> Process(string id) => host.InScopeAsync(sp =>
            sp.GetRequiredService<Inbox<OutboxInboxTestDb>>().ProcessOnceAsync(id, "notifications", _ => Task.CompletedTask, CancellationToken.None));
        Task<IReadOnlyList<string>> ProcessBatch(params string[] ids) => host.InScopeAsync(sp =>
            sp.GetRequiredService<Inbox<OutboxInboxTestDb>>().ProcessBatchOnceAsync(ids, "analytics", (_, _) => Task.CompletedTask, CancellationToken.None));

        (await Process("evt-1")).Should().Be(InboxResult.Processed);
        metrics.Sum("daprplatform.inbox.duplicates").Should().Be(0);
        (await Process("evt-1")).Should().Be(InboxResult.Duplicate);
        (await Process("evt-1")).Should().Be(InboxResult.Duplicate);
        (await ProcessBatch("a", "b")).Should().HaveCount(2);
        (await ProcessBatch("a", "b", "c")).Should().Equal("c");

        metrics.Sum("daprplatform.inbox.duplicates", ("daprplatform.inbox.consumer", "notifications")).Should().Be(2);
        metrics.Sum("daprplatform.inbox.duplicates", ("daprplatform.inbox.consumer", "analytics")).Should().Be(2);
    }

    [Fact]
    public async Task The_outbox_gauges_report_the_pending_rows_and_the_oldest_ones_age_as_the_dispatcher_last_read_them()
    {
        await using var host = await OutboxInboxHost.StartAsync(FreeTcpPort.Next(), o => o.BacklogMetricsInterval = TimeSpan.FromHours(1));
        using var metrics = new MetricRecorder(host.Services.GetRequiredService<IMeterFactory>());
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher<OutboxInboxTestDb>>();
        async Task EnqueueAsync(int count) => await host.InScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<Outbox<OutboxInboxTestDb>>();
            for (var i = 0; i < count; i++) { outbox.Enqueue("widget.created", new { n = i }); }
            return await sp.GetRequiredService<OutboxInboxTestDb>().SaveChangesAsync();
        });

        metrics.Observe("daprplatform.outbox.pending").Should().BeEmpty("nothing was read yet");
        await EnqueueAsync(2);
        await dispatcher.RefreshBacklogMetricsAsync(CancellationToken.None);

        metrics.Observe("daprplatform.outbox.pending").Should().Equal(2);
        metrics.Observe("daprplatform.outbox.oldest_pending.age").Single().Should().BeGreaterThanOrEqualTo(0);

        // Within the interval the gauges keep the last read: no query per collection.
        await EnqueueAsync(1);
        await dispatcher.RefreshBacklogMetricsAsync(CancellationToken.None);
        metrics.Observe("daprplatform.outbox.pending").Should().Equal(2);

        await dispatcher.RefreshBacklogMetricsAsync(CancellationToken.None, force: true);
        metrics.Observe("daprplatform.outbox.pending").Should().Equal(3);
        metrics.LastTags("daprplatform.outbox.pending")["daprplatform.outbox"].Should().Be(nameof(OutboxInboxTestDb));
    }

    /// <summary>Measurements of DaprPlatform.OutboxInbox instruments from one host's meter factory.</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
        private readonly MeterListener _listener = new();

        public MetricRecorder(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OutboxInboxMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) { listener.EnableMeasurementEvents(instrument); }
            };
            void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            {
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in tags) { copy[tag.Key] = tag.Value; }
                _measurements.Enqueue((instrument.Name, value, copy));
            }

            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(m => m.Value);

        /// <summary>Collects the observable instruments now and returns what <paramref name="instrument"/> reported.</summary>
        public List<double> Observe(string instrument)
        {
            _measurements.Clear();
            _listener.RecordObservableInstruments();
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();
        }

        public Dictionary<string, object?> LastTags(string instrument) => _measurements.Last(m => m.Instrument == instrument).Tags;

        public void Dispose() => _listener.Dispose();
    }
}
