using DaprPlatform.Messaging.Domain;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>
/// The per-user send limit, counted from the messages table (a sliding window) so every replica sees the same count.
/// Inside the sender's transaction an advisory lock on the sender serialises their sends, so two at once cannot both
/// take the last slot.
/// </summary>
public static class SendRate
{
    /// <summary>How long until <paramref name="senderId"/> may send again; null when they may send now.</summary>
    public static async Task<TimeSpan?> WaitBeforeNextAsync(MessagingDbContext db, Guid senderId, DateTimeOffset now, MessagingLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(limits);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({senderId.ToString()}, 0))", ct);
        var since = now - limits.SendWindow;
        var recent = await db.Messages.AsNoTracking()
            .Where(m => m.SenderId == senderId && m.SentAt > since)
            .OrderBy(m => m.SentAt)
            .Select(m => m.SentAt)
            .ToListAsync(ct);
        if (recent.Count < limits.SendsPerWindow)
        {
            return null;
        }

        // A slot frees when the message that keeps the count at the limit leaves the window.
        var freesAt = recent[recent.Count - limits.SendsPerWindow] + limits.SendWindow;
        return freesAt - now;
    }
}
