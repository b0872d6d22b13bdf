namespace DaprPlatform.Reviews.Contracts;

/// <summary>
/// Consumer-side copy of booking's <c>booking.completed</c> / <c>booking.cancelled</c> data, only the fields reviews uses
/// (services/Booking/Contracts/BookingEvent.cs is the producer's record; unknown fields are ignored).
/// </summary>
public sealed record BookingChanged(
    Guid BookingId,
    Guid StudentId,
    string? StudentName,
    Guid TutorId,
    string? TutorName,
    string? Subject,
    string? Status,
    DateTimeOffset? OccurredAt,
    string? PreviousStatus = null);
