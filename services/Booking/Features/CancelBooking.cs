using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Booking.Features;

public sealed record CancelBookingRequest(string? Reason);

/// <summary>POST workflows /internal/booking-cancellations.</summary>
public sealed record BookingCancellationStart(Guid BookingId, string RequestedBy, DateTimeOffset RequestedAt, string? Reason);

/// <summary>POST workflows /internal/booking-payments/{bookingId}/withdraw.</summary>
public sealed record BookingWithdrawal(string RequestedBy, DateTimeOffset RequestedAt, string? Reason);

/// <summary>
/// POST /api/bookings/{id}/cancel — the student or the tutor calls it off. Nothing changes here: a confirmed booking gets
/// the cancellation saga (refund by policy, then cancel), one still being paid for is withdrawn from its booking-payment
/// saga (which voids the payment and cancels). Both answer 202 with where to follow the outcome.
/// </summary>
public static class CancelBooking
{
    public const string CancellationsMethod = "internal/booking-cancellations";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/cancel", HandleAsync).WithName("CancelBooking");

    public static async Task<Results<Accepted<BookingAcceptedResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem, UnavailableProblem>> HandleAsync(
        Guid id,
        CancelBookingRequest? request,
        ClaimsPrincipal user,
        BookingDbContext db,
        WorkflowsApp workflows,
        TimeProvider time,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var reason = errors.OptionalText("reason", request?.Reason, Domain.Booking.MaxCancellationReasonLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null || !user.CanSee(booking))
        {
            return BookingProblems.NotFound(id);
        }

        var userId = user.GetUserId();
        if (!booking.IsParticipant(userId))
        {
            return Problems.Forbidden("Only the booking's student or tutor can cancel it.");
        }

        var requestedBy = userId == booking.StudentId ? "student" : "tutor";
        var now = time.GetUtcNow();
        switch (booking.Status)
        {
            case BookingStatus.Confirmed:
            {
                var answer = await workflows.PostAsync(CancellationsMethod, new BookingCancellationStart(id, requestedBy, now, reason), ct);
                // 409: a cancellation for this booking is already running; following it is the answer.
                return Accepted(answer, id, BookingRequestId.CancellationInstanceIdFor(id), $"/api/bookings/{id}", acceptConflict: true);
            }

            case BookingStatus.Pending or BookingStatus.AwaitingPayment:
            {
                var answer = await workflows.PostAsync($"internal/booking-payments/{id}/withdraw", new BookingWithdrawal(requestedBy, now, reason), ct);
                if (answer is { StatusCode: StatusCodes.Status404NotFound or StatusCodes.Status409Conflict })
                {
                    return Problems.Conflict("The booking's payment saga is no longer waiting; it has already moved on. Read the booking again.");
                }

                return Accepted(answer, id, booking.WorkflowInstanceId, $"/api/bookings/{id}/saga", acceptConflict: false);
            }

            default:
                return BookingProblems.IllegalTransition(new IllegalBookingTransitionException(id, booking.Status, "be cancelled"));
        }
    }

    private static Results<Accepted<BookingAcceptedResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem, UnavailableProblem> Accepted(WorkflowsAnswer? answer, Guid bookingId, string instanceId, string statusUrl, bool acceptConflict)
    {
        if (answer is { IsSuccess: true } || (acceptConflict && answer is { StatusCode: StatusCodes.Status409Conflict }))
        {
            return TypedResults.Accepted(statusUrl, new BookingAcceptedResponse(bookingId, instanceId, statusUrl));
        }

        return Problems.Unavailable(answer is null
            ? "The cancellation could not be started: the sidecar is unreachable. Try again shortly."
            : $"The cancellation could not be started (workflows answered {answer.StatusCode}). Try again shortly.");
    }
}
