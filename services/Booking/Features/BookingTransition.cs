using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Booking.Features;

/// <summary>
/// Loads a booking, applies one domain transition and saves it together with its event. A repeated transition changes
/// nothing and enqueues nothing (same answer, no second effect); a concurrent writer makes the save fail on the row
/// version, and the transition is then re-run on fresh state, where it usually turns out to be that harmless repeat.
/// </summary>
public static class BookingTransition
{
    /// <param name="topic">The event published when the transition changed something; null for steps nobody else acts on.</param>
    /// <param name="guard">Runs on the loaded booking before the transition; a problem it returns is the answer instead.</param>
    public static Task<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> RunAsync(
        Guid bookingId,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        Func<Domain.Booking, DateTimeOffset, bool> transition,
        string? topic,
        Func<Domain.Booking, CancellationToken, Task<StatusProblem?>>? guard,
        CancellationToken ct) =>
        // Two overlapping confirmations can also deadlock on the exclusion constraints (each waits for the other's
        // uncommitted row) and PostgreSQL aborts one: the re-run sees the winner on fresh state and answers 409.
        db.RetryConcurrentChangeAsync<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>>(
            async token =>
            {
                var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, token);
                if (booking is null)
                {
                    return BookingProblems.NotFound(bookingId);
                }

                if (guard is not null && await guard(booking, token) is { } refusal)
                {
                    return refusal switch
                    {
                        NotFoundProblem notFound => notFound,
                        ForbiddenProblem forbidden => forbidden,
                        ConflictProblem conflict => conflict,
                        _ => throw new InvalidOperationException($"A booking guard answered {refusal.StatusCode}; guards refuse with 404, 403 or 409."),
                    };
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
                        await db.SaveChangesAsync(token);
                    }
                    catch (DbUpdateException e) when (e.IsExclusionViolation())
                    {
                        return BookingProblems.Conflict(bookingId,
                            "The student or the tutor already has a confirmed booking at an overlapping time.");
                    }
                }

                return TypedResults.Ok(BookingResponse.From(booking));
            },
            () => BookingProblems.StillChanging(bookingId),
            ct);
}
