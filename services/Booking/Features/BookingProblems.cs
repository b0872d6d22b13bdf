using DaprPlatform.Booking.Domain;

namespace DaprPlatform.Booking.Features;

/// <summary>Booking-specific problem details; the <c>type</c> lets the saga tell an illegal transition from a conflict.</summary>
public static class BookingProblems
{
    public const string IllegalTransitionType = "https://daprplatform.dev/problems/illegal-transition";
    public const string BookingConflictType = "https://daprplatform.dev/problems/booking-conflict";
    public const string BookingMismatchType = "https://daprplatform.dev/problems/booking-mismatch";

    public static IResult IllegalTransition(IllegalBookingTransitionException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return TypedResults.Problem(
            e.Message,
            statusCode: StatusCodes.Status409Conflict,
            title: "The booking cannot make this transition.",
            type: IllegalTransitionType,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["bookingStatus"] = e.Current.ToWireName() });
    }

    public static IResult Conflict(Guid bookingId, string detail) =>
        TypedResults.Problem(
            detail,
            statusCode: StatusCodes.Status409Conflict,
            title: "The booking overlaps another confirmed booking.",
            type: BookingConflictType,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["bookingId"] = bookingId });

    public static IResult Mismatch(Guid bookingId) =>
        TypedResults.Problem(
            $"Booking {bookingId} already exists with different details.",
            statusCode: StatusCodes.Status409Conflict,
            title: "The booking already exists.",
            type: BookingMismatchType);

    public static IResult NotFound(Guid bookingId) => ServiceDefaults.Problems.NotFound($"Booking {bookingId} does not exist.");

    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The service is temporarily unavailable.");
}
