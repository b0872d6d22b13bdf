using DaprPlatform.Analytics.Domain;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>Reads a channel's recent complete hours from the hourly rollups the ChannelMetrics actors flush.</summary>
public sealed class HourlyHistory(AnalyticsDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<HourlyActivity>> ReadAsync(Guid channelId, CancellationToken ct)
    {
        var endBefore = ChannelHistory.EndBefore(time.GetUtcNow());
        var from = endBefore.AddHours(-ChannelHistory.MaxHistoryHours);
        var rows = await db.HourlyRollups.AsNoTracking()
            .Where(r => r.ChannelId == channelId && r.Hour >= from && r.Hour < endBefore)
            .Select(r => new { r.Hour, r.Kind, r.Total })
            .ToListAsync(ct);
        return ChannelHistory.Contiguous(rows.Select(r => (r.Hour, r.Kind, r.Total)), endBefore);
    }
}
