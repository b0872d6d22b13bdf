using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Booking.Features;

public sealed record CancelBookingStepRequest(string? Reason, MoneyPayload? Refund);

/// <summary>
/// POST /internal/bookings/{id}/cancel — the saga's CancelBooking step: pending/awaitingPayment → cancelled, confirmed →
/// refunded (refund &gt; 0) or cancelled, with <c>booking.cancelled</c>.
/// </summary>
public static class CancelBookingStep
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/{id:guid}/cancel", HandleAsync);

    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        CancelBookingStepRequest? request,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{reason, refund?}");
        }

        var errors = new ValidationErrors();
        var reason = errors.RequireText("reason", request.Reason, Domain.Booking.MaxCancellationReasonLength);
        var refund = errors.ReadMoney(request.Refund, "refund", required: false);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await BookingTransition.RunAsync(id, db, outbox, time,
            (booking, now) => booking.Cancel(reason!, refund, now), BookingEvent.Cancelled, guard: null, ct);
    }
}
