using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.OutboxInbox;

/// <summary>Unsent outbox rows: how many, and how long the oldest has waited (null when none).</summary>
public sealed record OutboxBacklog(int Count, TimeSpan? OldestAge);

public static class OutboxBacklogQuery
{
    public static async Task<OutboxBacklog> GetOutboxBacklogAsync(this IOutboxStore store, TimeProvider timeProvider, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var stats = await store.OutboxMessages
            .AsNoTracking()
            .Where(m => m.SentAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Oldest = g.Min(m => m.CreatedAt) })
            .FirstOrDefaultAsync(ct);
        if (stats is null)
        {
            return new OutboxBacklog(0, null);
        }

        var age = timeProvider.GetUtcNow() - stats.Oldest;
        return new OutboxBacklog(stats.Count, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }
}
