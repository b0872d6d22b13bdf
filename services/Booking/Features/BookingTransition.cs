using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Booking.Features;

/// <summary>
/// Loads a booking, applies one domain transition and saves it together with its event. A repeated transition changes
/// nothing and enqueues nothing (same answer, no second effect); a concurrent writer makes the save fail on the row
/// version, and the transition is then re-run on fresh state, where it usually turns out to be that harmless repeat.
/// </summary>
public static class BookingTransition
{
    private const int Attempts = 3;

    /// <param name="topic">The event published when the transition changed something; null for steps nobody else acts on.</param>
    /// <param name="guard">Runs on the loaded booking before the transition; a non-null result is answered instead.</param>
    public static async Task<IResult> RunAsync(
        Guid bookingId,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        Func<Domain.Booking, DateTimeOffset, bool> transition,
        string? topic,
        Func<Domain.Booking, CancellationToken, Task<IResult?>>? guard,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
            if (booking is null)
            {
                return BookingProblems.NotFound(bookingId);
            }

            if (guard is not null && await guard(booking, ct) is { } early)
            {
                return early;
            }

            var now = time.GetDatabaseNow();
            var before = booking.Status;
            bool changed;
            try
            {
                changed = transition(booking, now);
            }
            catch (IllegalBookingTransitionException e)
            {
                return BookingProblems.IllegalTransition(e);
            }

            if (changed)
            {
                if (topic is not null)
                {
                    outbox.Enqueue(topic, BookingEvent.From(booking, now, before));
                }

                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException) when (attempt < Attempts)
                {
                    db.ChangeTracker.Clear();
                    continue;
                }
                catch (InvalidOperationException e) when (attempt < Attempts && IsDeadlock(e))
                {
                    // Two overlapping confirmations can deadlock on the exclusion constraints (each waits for the other's
                    // uncommitted row) and PostgreSQL aborts one. Re-run it: on fresh state the guard sees the winner (409).
                    db.ChangeTracker.Clear();
                    continue;
                }
                catch (DbUpdateException e) when (IsOverlap(e))
                {
                    return BookingProblems.Conflict(bookingId,
                        "The student or the tutor already has a confirmed booking at an overlapping time.");
                }
            }

            return TypedResults.Ok(BookingResponse.From(booking));
        }
    }

    /// <summary>
    /// SQLSTATE 40P01: PostgreSQL broke a deadlock by aborting this transaction. Npgsql's EF provider reports it as transient,
    /// so it arrives as InvalidOperationException("…likely due to a transient failure") → DbUpdateException → PostgresException.
    /// </summary>
    private static bool IsDeadlock(InvalidOperationException e) =>
        e.InnerException is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected } };

    /// <summary>SQLSTATE 23P01: one of the overlap exclusion constraints refused the row.</summary>
    public static bool IsOverlap(DbUpdateException e) =>
        e?.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation };
}
