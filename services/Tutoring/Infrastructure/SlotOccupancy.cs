using DaprPlatform.Tutoring.Domain;
using Microsoft.EntityFrameworkCore;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Tutoring.Infrastructure;

/// <summary>Which holds occupy a tutor's time, and the database side of keeping live holds exclusive.</summary>
public static class SlotOccupancy
{
    /// <summary>Live holds and bookings (held and unexpired, or booked) of these tutors overlapping [from, to), per tutor.</summary>
    public static async Task<ILookup<Guid, TimeRange>> BusyAsync(
        TutoringDbContext db, IReadOnlyCollection<Guid> tutorIds, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await db.SlotHolds.AsNoTracking()
            .Where(h => tutorIds.Contains(h.TutorId) && h.Start < to && from < h.End)
            .Where(h => h.Status == HoldStatus.Booked || (h.Status == HoldStatus.Held && h.ExpiresAt > now))
            .Select(h => new { h.TutorId, h.Start, h.End })
            .ToListAsync(ct);
        return rows.ToLookup(r => r.TutorId, r => new TimeRange(r.Start, r.End));
    }

    /// <summary>
    /// Marks this tutor's held rows overlapping <paramref name="range"/> whose time ran out as expired, so they stop
    /// occupying the slot under the exclusion constraint. Run in the same transaction as the insert or update that follows;
    /// <paramref name="exceptBookingId"/> is the hold that update changes itself.
    /// </summary>
    public static Task<int> ExpireStaleAsync(
        TutoringDbContext db, Guid tutorId, TimeRange range, DateTimeOffset now, CancellationToken ct, Guid? exceptBookingId = null) =>
        db.SlotHolds
            .Where(h => h.TutorId == tutorId && h.Status == HoldStatus.Held && h.ExpiresAt <= now && h.Start < range.End && range.Start < h.End)
            .Where(h => exceptBookingId == null || h.BookingId != exceptBookingId)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.Status, HoldStatus.Expired).SetProperty(h => h.UpdatedAt, Instants.ToStoragePrecision(now)), ct);

    /// <summary>SQLSTATE 23P01 from <see cref="SlotHoldExclusion"/>: another live hold of the tutor overlaps.</summary>
    public static bool IsOverlap(DbUpdateException e) => e.IsExclusionViolation(SlotHoldExclusion.ConstraintName);

    public static bool IsDuplicateBooking(DbUpdateException e) => e.IsUniqueViolation(TutoringDbContext.SlotHoldsPrimaryKey);
}
