using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Booking.Features;

public sealed record AwaitPaymentRequest(Guid? PaymentId, string? PaymentIntentId);

/// <summary>POST /internal/bookings/{id}/awaiting-payment — the payment intent exists; the booking waits for its result.</summary>
public static class AwaitPayment
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/{id:guid}/awaiting-payment", HandleAsync);

    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        AwaitPaymentRequest? request,
        BookingDbContext db,
        Outbox<BookingDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{paymentId, paymentIntentId}");
        }

        var errors = new ValidationErrors();
        var paymentId = errors.RequireId("paymentId", request.PaymentId);
        var intentId = errors.RequireText("paymentIntentId", request.PaymentIntentId, Domain.Booking.MaxPaymentIntentIdLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // No event: awaiting payment is an internal step of the saga, not something other services act on.
        return await BookingTransition.RunAsync(id, db, outbox, time,
            (booking, now) => booking.AwaitPayment(paymentId!.Value, intentId!, now), topic: null, guard: null, ct);
    }
}
