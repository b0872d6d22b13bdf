using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Analytics.Actors;

/// <summary>
/// Keeps one channel's <see cref="ChannelMetricsAggregate"/> in memory. Samples only mark the actor dirty; the
/// <see cref="FlushReminder"/> saves the snapshot at most once per <see cref="FlushPeriod"/>, so a burst costs one
/// state write. The reminder cancels itself when a flush finds nothing new, so idle channels are not woken.
/// Deactivation (idle, or the app stopping gracefully) flushes too, so only a crash can lose samples taken in after
/// the last flush (at most one period).
/// A flush also writes the changed hours' rollups and new anomalies (queued as <c>channel.anomaly</c> events) to the
/// service database first; if that fails the turn fails, nothing is saved, and the next reminder retries.
/// </summary>
public sealed class ChannelMetricsActor(ActorHost host, IServiceScopeFactory scopes, AnalyticsMetrics? metrics = null) : Actor(host), IChannelMetrics, IRemindable
{
    public const string TypeName = "ChannelMetrics";
    public const string StateKey = "metrics";
    public const string FlushReminder = "flush";

    public static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(10);

    private readonly List<ViewsAnomaly> _unrecorded = [];
    private ChannelMetricsAggregate _aggregate = new();
    private bool _dirty;
    private bool _flushScheduled;

    public async Task<IngestResult> IngestAsync(ChannelMetricsBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = Host.TimeProvider.GetUtcNow();
        int accepted = 0, duplicates = 0, tooOld = 0, inFuture = 0, invalid = 0;
        foreach (var incoming in batch.Samples ?? [])
        {
            var outcome = TryConvert(incoming, out var sample) ? _aggregate.Ingest(sample, now) : _aggregate.RejectUnreadable();
            switch (outcome)
            {
                case IngestOutcome.Accepted: accepted++; break;
                case IngestOutcome.Duplicate: duplicates++; break;
                case IngestOutcome.TooOld: tooOld++; break;
                case IngestOutcome.InFuture: inFuture++; break;
                default: invalid++; break;
            }
        }

        if (accepted > 0)
        {
            _dirty = true;
            if (!_flushScheduled)
            {
                await RegisterReminderAsync(FlushReminder, null, FlushPeriod, FlushPeriod);
                _flushScheduled = true;
            }
        }

        metrics?.SamplesIngested(accepted, duplicates, tooOld, inFuture, invalid);
        return new IngestResult(accepted, duplicates, tooOld, inFuture, invalid);
    }

    public Task<RealtimeView> GetRealtimeAsync(int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, ChannelMetricsAggregate.MinuteSlots);
        return Task.FromResult(_aggregate.Realtime(Host.TimeProvider.GetUtcNow(), minutes));
    }

    public Task<SummaryView> GetSummaryAsync(int hours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, ChannelMetricsAggregate.HourSlots);
        return Task.FromResult(_aggregate.Summary(Host.TimeProvider.GetUtcNow(), hours));
    }

    public Task<InsightsView> GetInsightsAsync() => Task.FromResult(_aggregate.Insights(Host.TimeProvider.GetUtcNow()));

    public async Task ReceiveReminderAsync(string reminderName, byte[]? state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName != FlushReminder)
        {
            return;
        }

        if (!_dirty)
        {
            CancelCurrentReminderOrTimer();
            _flushScheduled = false;
            return;
        }

        await FlushAsync();
    }

    protected override async Task OnActivateAsync()
    {
        var stored = await StateManager.TryGetStateAsync<ChannelMetricsSnapshot>(StateKey);
        if (stored.HasValue)
        {
            _aggregate = ChannelMetricsAggregate.FromSnapshot(stored.Value);
        }
    }

    /// <summary>The runtime saves state changed here after deactivation; the flush reminder stays and finds nothing to do.</summary>
    protected override async Task OnDeactivateAsync()
    {
        if (_dirty) { await FlushAsync(); }
    }

    private async Task FlushAsync()
    {
        _unrecorded.AddRange(_aggregate.DetectAnomalies(Host.TimeProvider.GetUtcNow()));
        var hours = _aggregate.TakeChangedHours();
        if (Guid.TryParse(Id.Value, out var channelId))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<MetricsHistory>().RecordAsync(channelId, hours, _unrecorded, CancellationToken.None);
            }
            catch
            {
                _aggregate.RestoreChangedHours(hours);
                throw;
            }
        }
        else
        {
            Logger.LogWarning("Actor id {ActorId} is not a channel id; its history is not written to the database.", Id.Value);
        }

        _unrecorded.Clear();
        await StateManager.SetStateAsync(StateKey, _aggregate.ToSnapshot());
        _dirty = false;
    }

    /// <summary>Maps the wire form onto the kernel's; false for unknown kinds and non-integral or out-of-range values.</summary>
    private static bool TryConvert(IncomingSample? incoming, out MetricSample sample)
    {
        sample = default;
        if (incoming?.Id is null || !TryParseKind(incoming.Kind, out var kind)
            || double.IsNaN(incoming.Value) || incoming.Value != Math.Floor(incoming.Value) || incoming.Value is < 0 or >= long.MaxValue)
        {
            return false;
        }

        sample = new MetricSample(incoming.Id, kind, (long)incoming.Value, incoming.At);
        return true;
    }

    private static bool TryParseKind(string? kind, out MetricKind parsed)
    {
        parsed = kind switch
        {
            "views" => MetricKind.Views,
            "reactions" => MetricKind.Reactions,
            "forwards" => MetricKind.Forwards,
            "posts" => MetricKind.Posts,
            "subscribers" => MetricKind.Subscribers,
            "joins" => MetricKind.Joins,
            "leaves" => MetricKind.Leaves,
            _ => (MetricKind)(-1),
        };
        return Enum.IsDefined(parsed);
    }
}
