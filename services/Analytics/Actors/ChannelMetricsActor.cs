using Dapr.Actors.Runtime;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Actors;

/// <summary>
/// One channel's <see cref="ChannelMetricsAggregate"/>, in memory for reads and durable before any ingest returns:
/// each turn that accepts samples appends them as one <see cref="JournalSegment"/> and saves it through the state
/// manager (one state transaction) before answering, so a caller that got an answer knows its samples survive a crash.
/// The <see cref="FlushReminder"/> (every <see cref="ChannelMetricsOptions.FlushPeriod"/>) compacts the journal into one
/// snapshot and writes the changed hours' rollups and new anomalies (queued as <c>channel.anomaly</c> events) to the
/// service database first; if that fails the turn fails, nothing is saved, and the next reminder retries. The reminder
/// removes itself when a flush finds nothing new, so idle channels are not woken. Activation replays the journal onto
/// the snapshot. See docs/adr/0013-analytics-acknowledges-only-durable-samples.md.
/// </summary>
public sealed class ChannelMetricsActor : Actor, IChannelMetrics, IRemindable
{
    public const string TypeName = "ChannelMetrics";
    public const string StateKey = "metrics";
    public const string FlushReminder = "flush";

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _flushPeriod;
    private readonly AnalyticsMetrics? _metrics;
    private readonly List<ViewsAnomaly> _unrecorded = [];
    private ChannelMetricsAggregate _aggregate = new();
    private IngestJournal _journal = new(0, 0);
    private bool _dirty;
    private bool _flushScheduled;
    private bool _stale;

    /// <param name="stateManager">Tests only (the SDK's pattern): replaces the sidecar-backed state manager.</param>
    public ChannelMetricsActor(
        ActorHost host,
        IServiceScopeFactory scopes,
        TimeProvider time,
        IOptions<ChannelMetricsOptions> options,
        AnalyticsMetrics? metrics = null,
        IActorStateManager? stateManager = null)
        : base(host)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _time = time;
        _flushPeriod = options.Value.FlushPeriod;
        _metrics = metrics;
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    public async Task<IngestResult> IngestAsync(ChannelMetricsBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await ReloadIfStaleAsync();
        var now = _time.GetUtcNow();
        var taken = new List<MetricSample>();
        int duplicates = 0, tooOld = 0, inFuture = 0, invalid = 0;
        foreach (var incoming in batch.Samples ?? [])
        {
            var outcome = TryConvert(incoming, out var sample) ? _aggregate.Ingest(sample, now) : _aggregate.RejectUnreadable();
            switch (outcome)
            {
                case IngestOutcome.Accepted: taken.Add(sample); break;
                case IngestOutcome.Duplicate: duplicates++; break;
                case IngestOutcome.TooOld: tooOld++; break;
                case IngestOutcome.InFuture: inFuture++; break;
                default: invalid++; break;
            }
        }

        if (taken.Count > 0)
        {
            await PersistAsync(() => AppendToJournalAsync(new JournalSegment(now, taken)));
        }

        _metrics?.SamplesIngested(taken.Count, duplicates, tooOld, inFuture, invalid);
        return new IngestResult(taken.Count, duplicates, tooOld, inFuture, invalid);
    }

    public async Task<RealtimeView> GetRealtimeAsync(int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, ChannelMetricsAggregate.MinuteSlots);
        await ReloadIfStaleAsync();
        return _aggregate.Realtime(_time.GetUtcNow(), minutes);
    }

    public async Task<SummaryView> GetSummaryAsync(int hours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, ChannelMetricsAggregate.HourSlots);
        await ReloadIfStaleAsync();
        return _aggregate.Summary(_time.GetUtcNow(), hours);
    }

    public async Task<InsightsView> GetInsightsAsync()
    {
        await ReloadIfStaleAsync();
        return _aggregate.Insights(_time.GetUtcNow());
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName != FlushReminder)
        {
            return;
        }

        await ReloadIfStaleAsync();
        if (!_dirty)
        {
            await UnregisterReminderAsync(FlushReminder);
            _flushScheduled = false;
            return;
        }

        await PersistAsync(FlushAsync);
    }

    protected override Task OnActivateAsync() => LoadAsync();

    /// <summary>Compacts on the way out (idle timeout); not needed for durability, it only spares the next activation a replay.</summary>
    protected override async Task OnDeactivateAsync()
    {
        if (_dirty && !_stale) { await PersistAsync(FlushAsync); }
    }

    /// <summary>The snapshot, then every journal segment saved after it, in order.</summary>
    private async Task LoadAsync()
    {
        var stored = await StateManager.TryGetStateAsync<ChannelMetricsSnapshot>(StateKey);
        _aggregate = stored.HasValue ? ChannelMetricsAggregate.FromSnapshot(stored.Value) : new ChannelMetricsAggregate();
        var journal = await StateManager.TryGetStateAsync<IngestJournal>(IngestJournal.Key);
        _journal = journal.HasValue ? journal.Value : new IngestJournal(0, 0);
        for (var sequence = _journal.First; sequence < _journal.Next; sequence++)
        {
            var segment = await StateManager.GetStateAsync<JournalSegment>(IngestJournal.SegmentKey(sequence));
            foreach (var sample in segment.Samples)
            {
                _aggregate.Ingest(sample, segment.Now);
            }
        }

        _unrecorded.Clear();
        _dirty = _journal.Next > _journal.First;
        _flushScheduled = false;
        if (_dirty)
        {
            // The reminder normally survives a crash too; registering again costs one call and covers a lost one.
            await ScheduleFlushAsync();
        }
    }

    private async Task AppendToJournalAsync(JournalSegment segment)
    {
        var next = new IngestJournal(_journal.First, _journal.Next + 1);
        await StateManager.SetStateAsync(IngestJournal.SegmentKey(_journal.Next), segment);
        await StateManager.SetStateAsync(IngestJournal.Key, next);
        if (!_flushScheduled)
        {
            await ScheduleFlushAsync();
        }

        // Saved here, not when the runtime ends the turn, so the answer cannot overtake the write.
        await StateManager.SaveStateAsync();
        _journal = next;
        _dirty = true;
    }

    private async Task FlushAsync()
    {
        _unrecorded.AddRange(_aggregate.DetectAnomalies(_time.GetUtcNow()));
        var hours = _aggregate.TakeChangedHours();
        if (Guid.TryParse(Id.GetId(), out var channelId))
        {
            await using var scope = _scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MetricsHistory>().RecordAsync(channelId, hours, _unrecorded, CancellationToken.None);
        }
        else
        {
            Logger.LogWarning("Actor id {ActorId} is not a channel id; its history is not written to the database.", Id.GetId());
        }

        _unrecorded.Clear();

        // One state transaction: the snapshot replaces the segments it now contains.
        await StateManager.SetStateAsync(StateKey, _aggregate.ToSnapshot());
        for (var sequence = _journal.First; sequence < _journal.Next; sequence++)
        {
            await StateManager.TryRemoveStateAsync(IngestJournal.SegmentKey(sequence));
        }

        await StateManager.TryRemoveStateAsync(IngestJournal.Key);
        await StateManager.SaveStateAsync();
        _journal = new IngestJournal(_journal.Next, _journal.Next);
        _dirty = false;
    }

    private async Task ScheduleFlushAsync()
    {
        await RegisterReminderAsync(FlushReminder, null, _flushPeriod, _flushPeriod);
        _flushScheduled = true;
    }

    /// <summary>
    /// A failed write leaves memory ahead of the store (samples taken in but not saved, or rollups marked written): the
    /// next call rebuilds from the store, so nothing unsaved is ever answered as taken or counted as a duplicate.
    /// </summary>
    private async Task PersistAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            _stale = true;
            throw;
        }
    }

    private async Task ReloadIfStaleAsync()
    {
        if (!_stale)
        {
            return;
        }

        await StateManager.ClearCacheAsync();
        await LoadAsync();
        _stale = false;
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
