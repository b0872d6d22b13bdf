using DaprPlatform.Tutoring.Domain;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Infrastructure;

/// <summary>The database side of the rating projection.</summary>
public static class TutorRatingRows
{
    /// <summary>
    /// The tutor's rating row, created unrated when missing, locked (FOR UPDATE) until the caller's transaction ends: the
    /// projection of one tutor's reviews runs one event at a time, so each recount sees every review committed before it.
    /// </summary>
    public static async Task<TutorRating> LockAsync(TutoringDbContext db, Guid tutorId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The rating row is locked for a transaction; begin one first.");
        }

        var unrated = TutorRating.Unrated(tutorId, now);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO tutor_ratings (tutor_id, review_count, average, distribution, updated_at) VALUES ({tutorId}, 0, NULL, {unrated.Distribution}, {unrated.UpdatedAt}) ON CONFLICT (tutor_id) DO NOTHING",
            ct);
        // Not composed (no LIMIT around it): the locking read runs exactly as written.
        var rows = await db.TutorRatings.FromSql($"SELECT * FROM tutor_ratings WHERE tutor_id = {tutorId} FOR UPDATE").ToListAsync(ct);
        return rows.Single();
    }

    /// <summary>Star → how many of the tutor's reviews are visible with it.</summary>
    public static Task<Dictionary<int, int>> VisibleByStarsAsync(TutoringDbContext db, Guid tutorId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.ReviewRatings
            .Where(r => r.TutorId == tutorId && r.State == ReviewState.Visible)
            .GroupBy(r => r.Stars)
            .Select(g => new { Stars = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Stars, g => g.Count, ct);
    }
}
