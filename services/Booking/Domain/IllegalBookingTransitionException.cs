namespace DaprPlatform.Booking.Domain;

/// <summary>A transition the booking's state machine does not allow from its current state (the API answers 409).</summary>
public sealed class IllegalBookingTransitionException : InvalidOperationException
{
    public IllegalBookingTransitionException(Guid bookingId, BookingStatus current, string transition, string? why = null)
        : base($"Booking {bookingId} is {current.ToWireName()}; it cannot {transition}{(why is null ? "." : $": {why}")}")
    {
        BookingId = bookingId;
        Current = current;
        Transition = transition;
    }

    public Guid BookingId { get; }

    public BookingStatus Current { get; }

    public string Transition { get; }
}
