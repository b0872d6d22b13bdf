using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Monetary;

namespace DaprPlatform.Booking.Features;

/// <summary>A booking as the API shows it (public and internal routes alike).</summary>
public sealed record BookingResponse(
    Guid BookingId,
    Guid StudentId,
    string StudentName,
    Guid TutorId,
    string TutorName,
    string Subject,
    DateTimeOffset Start,
    DateTimeOffset End,
    int DurationMinutes,
    MoneyPayload Price,
    string Status,
    Guid? PaymentId,
    MoneyPayload? Refund,
    string? CancellationReason,
    string WorkflowInstanceId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static BookingResponse From(Domain.Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return new BookingResponse(
            booking.Id,
            booking.StudentId,
            booking.StudentName,
            booking.TutorId,
            booking.TutorName,
            booking.Subject,
            booking.Start,
            booking.End,
            booking.DurationMinutes,
            MoneyPayload.From(booking.Price),
            booking.Status.ToWireName(),
            booking.PaymentId,
            booking.Refund is { } refund ? MoneyPayload.From(refund) : null,
            booking.CancellationReason,
            booking.WorkflowInstanceId,
            booking.CreatedAt,
            booking.UpdatedAt);
    }
}
