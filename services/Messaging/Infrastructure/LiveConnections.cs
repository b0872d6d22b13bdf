using System.Collections.Concurrent;
using System.Threading.Channels;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>
/// The live streams this replica holds, by user. Every replica receives every notice (ADR 0023) and hands it to the
/// streams of its recipients that are open here; a replica holding none of them drops it.
/// </summary>
public sealed class LiveConnections(IOptions<LiveOptions> options, TimeProvider time)
{
    /// <summary>A slow client loses its oldest notices rather than holding the replica's memory.</summary>
    private const int ConnectionCapacity = 1000;

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Channel<LiveNotice>>> _byUser = new();

    /// <summary>Open streams of <paramref name="userId"/> on this replica.</summary>
    public int CountFor(Guid userId) => _byUser.TryGetValue(userId, out var streams) ? streams.Count : 0;

    public LiveConnection Open(Guid userId)
    {
        var channel = Channel.CreateBounded<LiveNotice>(new BoundedChannelOptions(ConnectionCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var id = Guid.NewGuid();
        _byUser.AddOrUpdate(userId, _ => new() { [id] = channel }, (_, streams) =>
        {
            streams[id] = channel;
            return streams;
        });
        return new LiveConnection(channel.Reader, () => Close(userId, id));
    }

    /// <summary>Hands <paramref name="notice"/> to its recipients' open streams; returns how many took it. Stale notices go nowhere.</summary>
    public int Deliver(LiveNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (time.GetUtcNow() - notice.OccurredAt > options.Value.MaxNoticeAge)
        {
            return 0;
        }

        var delivered = 0;
        foreach (var recipient in notice.Recipients.Distinct())
        {
            if (!_byUser.TryGetValue(recipient, out var streams)) { continue; }
            foreach (var stream in streams.Values)
            {
                if (stream.Writer.TryWrite(notice)) { delivered++; }
            }
        }

        return delivered;
    }

    private void Close(Guid userId, Guid id)
    {
        if (!_byUser.TryGetValue(userId, out var streams)) { return; }
        if (streams.TryRemove(id, out var channel)) { channel.Writer.TryComplete(); }

        // Drop the user's entry once empty, unless a stream was opened meanwhile (the pair is removed only if unchanged).
        if (streams.IsEmpty) { _byUser.TryRemove(KeyValuePair.Create(userId, streams)); }
    }
}

/// <summary>One open stream: the notices for it, and closing it.</summary>
public sealed class LiveConnection(ChannelReader<LiveNotice> notices, Action close) : IDisposable
{
    private int _closed;

    public ChannelReader<LiveNotice> Notices { get; } = notices;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0) { close(); }
    }
}
