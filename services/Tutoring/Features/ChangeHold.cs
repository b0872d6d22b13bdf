using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

/// <summary>
/// POST /internal/holds/{bookingId}/book and /release (saga, invocation only). Both are idempotent: repeating one
/// answers 200 with the same hold. Booking a hold whose time ran out succeeds only if the slot is still free, which
/// the exclusion constraint decides when the row becomes live again. Each change is checked against the row's version,
/// so of a book and a release racing on one hold the later one re-reads and decides again.
/// </summary>
public static class ChangeHold
{
    public static void Map(RouteGroupBuilder internalApi)
    {
        internalApi.MapPost("/holds/{bookingId:guid}/book", BookAsync)
            .WithName("BookSlotHold");
        internalApi.MapPost("/holds/{bookingId:guid}/release", ReleaseAsync)
            .WithName("ReleaseSlotHold");
    }

    // Someone changed the hold between our read and our write: read it again and decide afresh.
    public static Task<Results<Ok<HoldResponse>, NotFoundProblem, ConflictProblem>> BookAsync(Guid bookingId, TutoringDbContext db, TimeProvider time, CancellationToken ct) =>
        db.RetryConcurrentChangeAsync(token => BookOnceAsync(bookingId, db, time.GetUtcNow(), token), () => StillChanging(bookingId), ct);

    public static Task<Results<Ok<HoldResponse>, NotFoundProblem, ConflictProblem>> ReleaseAsync(Guid bookingId, TutoringDbContext db, TimeProvider time, CancellationToken ct) =>
        db.RetryConcurrentChangeAsync(token => ReleaseOnceAsync(bookingId, db, time.GetUtcNow(), token), () => StillChanging(bookingId), ct);

    private static async Task<Results<Ok<HoldResponse>, NotFoundProblem, ConflictProblem>> BookOnceAsync(Guid bookingId, TutoringDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var hold = await db.SlotHolds.SingleOrDefaultAsync(h => h.BookingId == bookingId, ct);
        if (hold is null)
        {
            return UnknownHold(bookingId);
        }

        var expired = hold.StatusAt(now) == HoldStatus.Expired;
        try
        {
            if (!hold.Book(now))
            {
                return TypedResults.Ok(HoldResponse.From(hold, now));
            }
        }
        catch (IllegalHoldTransitionException e)
        {
            return Problems.Conflict(e.Message);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (expired)
            {
                // Other timed-out holds on this time must not block the re-check.
                await SlotOccupancy.ExpireStaleAsync(db, hold.TutorId, hold.Range, now, ct, exceptBookingId: bookingId);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (SlotOccupancy.IsOverlap(e))
            {
                return TutoringProblems.SlotUnavailable(
                    $"The hold for booking {bookingId} expired and the slot {hold.Start:O} was taken since; it cannot be booked.");
            }
        }

        return TypedResults.Ok(HoldResponse.From(hold, now));
    }

    private static async Task<Results<Ok<HoldResponse>, NotFoundProblem, ConflictProblem>> ReleaseOnceAsync(Guid bookingId, TutoringDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var hold = await db.SlotHolds.SingleOrDefaultAsync(h => h.BookingId == bookingId, ct);
        if (hold is null)
        {
            return UnknownHold(bookingId);
        }

        if (hold.Release(now))
        {
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.Ok(HoldResponse.From(hold, now));
    }

    private static ConflictProblem StillChanging(Guid bookingId) =>
        Problems.Conflict($"The hold for booking {bookingId} keeps changing concurrently; retry.");

    private static NotFoundProblem UnknownHold(Guid bookingId) => Problems.NotFound($"There is no hold for booking {bookingId}.");
}
