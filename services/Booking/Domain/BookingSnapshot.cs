using DaprPlatform.Monetary;
namespace DaprPlatform.Booking.Domain;

/// <summary>
/// What the saga knows when it creates a booking: who, when, what and the price agreed when the slot was held. Names and
/// price are copied, so later profile or price changes never alter a booking.
/// </summary>
public sealed record BookingSnapshot(
    Guid BookingId,
    string WorkflowInstanceId,
    Guid StudentId,
    string StudentName,
    Guid TutorId,
    string TutorName,
    string Subject,
    DateTimeOffset Start,
    DateTimeOffset End,
    Money Price);
