using DaprPlatform.Booking.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Features;

/// <summary>Booking-specific problem details; the <c>type</c> lets the saga tell an illegal transition from a conflict.</summary>
public static class BookingProblems
{
    public const string IllegalTransitionType = "https://daprplatform.dev/problems/illegal-transition";
    public const string BookingConflictType = "https://daprplatform.dev/problems/booking-conflict";
    public const string BookingMismatchType = "https://daprplatform.dev/problems/booking-mismatch";

    public static ConflictProblem IllegalTransition(IllegalBookingTransitionException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ConflictProblem(e.Message, "The booking cannot make this transition.", IllegalTransitionType,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["bookingStatus"] = e.Current.ToWireName() });
    }

    public static ConflictProblem Conflict(Guid bookingId, string detail) =>
        new(detail, "The booking overlaps another confirmed booking.", BookingConflictType,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["bookingId"] = bookingId });

    public static ConflictProblem Mismatch(Guid bookingId) =>
        new($"Booking {bookingId} already exists with different details.", "The booking already exists.", BookingMismatchType);

    public static NotFoundProblem NotFound(Guid bookingId) => Problems.NotFound($"Booking {bookingId} does not exist.");

    public static ConflictProblem StillChanging(Guid bookingId) =>
        Problems.Conflict($"Booking {bookingId} kept changing while this request ran; read it again and retry.");
}
