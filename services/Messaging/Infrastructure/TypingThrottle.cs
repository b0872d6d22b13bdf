using System.Collections.Concurrent;
using DaprPlatform.Messaging.Domain;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>
/// At most one typing signal per user and conversation per <see cref="LiveOptions.TypingInterval"/> leaves this replica.
/// Kept in memory: typing is ephemeral, and a client that reaches two replicas at most doubles a harmless signal.
/// </summary>
public sealed class TypingThrottle(IOptions<LiveOptions> options, TimeProvider time)
{
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(Guid User, Guid Conversation), DateTimeOffset> _last = new();

    public bool TryPass(Guid userId, Guid conversationId)
    {
        var interval = options.Value.TypingInterval;
        var now = time.GetUtcNow();
        if (_last.Count > PruneAbove) { Prune(now, interval); }
        var key = (userId, conversationId);
        while (true)
        {
            if (_last.TryGetValue(key, out var at))
            {
                if (now - at < interval) { return false; }
                if (_last.TryUpdate(key, now, at)) { return true; }
            }
            else if (_last.TryAdd(key, now))
            {
                return true;
            }
        }
    }

    private void Prune(DateTimeOffset now, TimeSpan interval)
    {
        foreach (var entry in _last.Where(e => now - e.Value >= interval))
        {
            _last.TryRemove(entry);
        }
    }
}
