using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

/// <summary>
/// POST /internal/bookings/{id}/confirm — the payment succeeded: awaitingPayment → confirmed and <c>booking.confirmed</c>.
/// A student or tutor with an overlapping confirmed booking makes it 409 booking-conflict (the saga then refunds).
/// </summary>
public static class ConfirmBooking
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/{id:guid}/confirm", HandleAsync);

    public static Task<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(Guid id, BookingDbContext db, Outbox<BookingDbContext> outbox, TimeProvider time, CancellationToken ct) =>
        BookingTransition.RunAsync(id, db, outbox, time, (booking, now) => booking.Confirm(now), BookingEvent.Confirmed,
            (booking, token) => FindConflictAsync(db, booking, token), ct);

    private static async Task<StatusProblem?> FindConflictAsync(BookingDbContext db, Domain.Booking booking, CancellationToken ct)
    {
        if (booking.Status != BookingStatus.AwaitingPayment)
        {
            // Already confirmed (a repeat) or not confirmable: the transition itself gives the answer.
            return null;
        }

        var (id, studentId, tutorId, start, end) = (booking.Id, booking.StudentId, booking.TutorId, booking.Start, booking.End);
        var nearby = await db.Bookings.AsNoTracking()
            .Where(b => b.Id != id && (b.StudentId == studentId || b.TutorId == tutorId) && b.Start < end && start < b.End)
            .Where(b => b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.Completed)
            .ToListAsync(ct);
        return BookingConflictChecker.FindConflict(booking, nearby) is { } other
            ? BookingProblems.Conflict(booking.Id, other.StudentId == booking.StudentId
                ? "The student already has a confirmed booking at an overlapping time."
                : "The tutor already has a confirmed booking at an overlapping time.")
            : null;
    }
}
