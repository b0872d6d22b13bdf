using DaprPlatform.Monetary;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Booking.Contracts;

/// <summary>
/// The CloudEvent data of <c>booking.requested</c>, <c>booking.confirmed</c>, <c>booking.cancelled</c> and
/// <c>booking.completed</c> (pubsub <c>pubsub</c>): the booking as it is after the change, and the status it left
/// (null for booking.requested) — a cancelled booking that had been confirmed concerns the tutor, one never paid for does not.
/// </summary>
public sealed record BookingEvent(
    Guid BookingId,
    Guid StudentId,
    string StudentName,
    Guid TutorId,
    string TutorName,
    string Subject,
    DateTimeOffset Start,
    DateTimeOffset End,
    MoneyPayload Price,
    string Status,
    string? CancellationReason,
    MoneyPayload? Refund,
    DateTimeOffset OccurredAt,
    string? PreviousStatus)
{
    public const string Requested = PlatformTopics.BookingRequested;
    public const string Confirmed = PlatformTopics.BookingConfirmed;
    public const string Cancelled = PlatformTopics.BookingCancelled;
    public const string Completed = PlatformTopics.BookingCompleted;

    public static BookingEvent From(Domain.Booking booking, DateTimeOffset occurredAt, Domain.BookingStatus? previous = null)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return new BookingEvent(
            booking.Id,
            booking.StudentId,
            booking.StudentName,
            booking.TutorId,
            booking.TutorName,
            booking.Subject,
            booking.Start,
            booking.End,
            MoneyPayload.From(booking.Price),
            Domain.BookingStatusNames.ToWireName(booking.Status),
            booking.CancellationReason,
            booking.Refund is { } refund ? MoneyPayload.From(refund) : null,
            occurredAt,
            previous is { } status ? Domain.BookingStatusNames.ToWireName(status) : null);
    }
}
