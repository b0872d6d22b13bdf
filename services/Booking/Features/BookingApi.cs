using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

public static class BookingApi
{
    /// <summary>Public routes (bearer token, reached through the gateway) under <c>/api/bookings</c>.</summary>
    public static IEndpointRouteBuilder MapBookingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").RequireAuthorization().WithTags("Bookings");
        api.MapPost("/", RequestBooking.HandleAsync).WithName("RequestBooking")
            .Produces<BookingAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/", ListBookings.HandleAsync).WithName("ListBookings")
            .Produces<PagedResponse<BookingResponse>>()
            .ProducesValidationProblem();
        api.MapGet("/{id:guid}", GetBooking.HandleAsync).WithName("GetBooking")
            .Produces<BookingResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id:guid}/saga", GetBookingSaga.HandleAsync).WithName("GetBookingSaga")
            .Produces<BookingSagaResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{id:guid}/cancel", CancelBooking.HandleAsync).WithName("CancelBooking")
            .Produces<BookingAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{id:guid}/complete", CompleteBooking.HandleAsync).WithName("CompleteBooking")
            .Produces<BookingResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>
    /// Invocation-only routes the booking-payment and cancellation sagas call (app <c>workflows</c>, through its sidecar).
    /// Outside <c>/api</c>, so the gateway never forwards them; each is an idempotent domain transition.
    /// </summary>
    public static IEndpointRouteBuilder MapBookingSagaSteps(this IEndpointRouteBuilder app)
    {
        // Only the booking sagas move a booking through its states.
        var steps = app.MapGroup("/internal/bookings").RequireSidecarCaller("workflows");
        steps.MapPost("/", CreateBooking.HandleAsync);
        steps.MapPost("/{id:guid}/awaiting-payment", AwaitPayment.HandleAsync);
        steps.MapPost("/{id:guid}/confirm", ConfirmBooking.HandleAsync);
        steps.MapPost("/{id:guid}/cancel", CancelBookingStep.HandleAsync);
        steps.MapGet("/{id:guid}/refund-quote", QuoteRefund.HandleAsync);
        return app;
    }
}
