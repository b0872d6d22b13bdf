using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.OutboxInbox;

/// <summary>
/// Adds events to the caller's DbContext so they commit atomically with the state change;
/// the dispatcher publishes them afterwards (at least once).
/// </summary>
public sealed class Outbox<TContext>
    where TContext : DbContext, IOutboxStore
{
    private readonly TContext _db;
    private readonly TimeProvider _time;
    private readonly OutboxSignal<TContext> _signal;
    private bool _wakeOnSave;

    public Outbox(TContext db, TimeProvider timeProvider, OutboxSignal<TContext> signal)
    {
        _db = db;
        _time = timeProvider;
        _signal = signal;
    }

    public OutboxMessage Enqueue<T>(string topic, T data, string pubsubName = "pubsub")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(pubsubName);
        var now = _time.GetUtcNow();
        var current = Activity.Current;
        var message = new OutboxMessage
        {
            // Version 7: time-ordered, which keeps the primary key index append-mostly.
            Id = Guid.CreateVersion7(now),
            PubSubName = pubsubName,
            Topic = topic,
            Payload = JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
            CreatedAt = now,
            NextAttemptAt = now,
            Attempts = 0,
            TraceParent = current is { IdFormat: ActivityIdFormat.W3C } ? current.Id : null,
        };
        _db.OutboxMessages.Add(message);

        if (!_wakeOnSave)
        {
            _wakeOnSave = true;
            // An explicit transaction may not have committed yet; then the next poll picks the row up.
            _db.SavedChanges += (_, _) => _signal.Notify();
        }

        return message;
    }

    public Task<OutboxBacklog> GetBacklogAsync(CancellationToken ct = default) => _db.GetOutboxBacklogAsync(_time, ct);
}
