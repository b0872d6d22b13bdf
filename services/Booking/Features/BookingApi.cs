using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

public static class BookingApi
{
    /// <summary>Public routes (bearer token, reached through the gateway) under <c>/api/bookings</c>.</summary>
    public static IEndpointRouteBuilder MapBookingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").RequireAuthorization().WithTags("Bookings");
        RequestBooking.Map(api);
        ListBookings.Map(api);
        GetBooking.Map(api);
        GetBookingSaga.Map(api);
        CancelBooking.Map(api);
        QuoteRefund.MapPublic(api);
        CompleteBooking.Map(api);

        // Invocation-only routes the booking-payment and cancellation sagas call (app workflows, through its sidecar).
        // Outside /api, so the gateway never forwards them; each is an idempotent domain transition, and only the
        // booking sagas move a booking through its states.
        var steps = app.MapGroup("/internal/bookings").RequireSidecarCaller("workflows");
        CreateBooking.Map(steps);
        AwaitPayment.Map(steps);
        ConfirmBooking.Map(steps);
        CancelBookingStep.Map(steps);
        QuoteRefund.Map(steps);
        return app;
    }
}
