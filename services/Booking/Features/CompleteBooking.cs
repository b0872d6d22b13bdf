using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Booking.Features;

/// <summary>POST /api/bookings/{id}/complete — the tutor marks a confirmed session done once it has ended; publishes <c>booking.completed</c>.</summary>
public static class CompleteBooking
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/complete", HandleAsync).WithName("CompleteBooking");

    public static Task<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ClaimsPrincipal user,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct) =>
        BookingTransition.RunAsync(id, db, outbox, time, (booking, now) => booking.Complete(now), BookingEvent.Completed,
            (booking, _) => Task.FromResult(Authorize(user, booking)), ct);

    private static StatusProblem? Authorize(ClaimsPrincipal user, Domain.Booking booking)
    {
        if (!user.CanSee(booking))
        {
            return BookingProblems.NotFound(booking.Id);
        }

        return user.GetUserId() == booking.TutorId ? null : Problems.Forbidden("Only the booking's tutor can complete it.");
    }
}
