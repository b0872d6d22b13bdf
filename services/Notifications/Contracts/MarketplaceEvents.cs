using DaprPlatform.Monetary;

namespace DaprPlatform.Notifications.Contracts;

// Amounts are the platform's one money shape on the wire (MoneyPayload: minor units and an ISO 4217 code).

/// <summary>
/// Consumer-side copy of booking's <c>booking.*</c> events. <paramref name="PreviousStatus"/> tells a cancellation of a
/// confirmed booking (the tutor must hear of it) from one that never got paid (the tutor never knew of it).
/// </summary>
public sealed record BookingChanged(
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
    string? CancellationReason = null,
    MoneyPayload? Refund = null,
    string? PreviousStatus = null);

/// <summary>Consumer-side copy of payments' <c>payment.*</c> events.</summary>
public sealed record PaymentChanged(
    Guid PaymentId,
    Guid BookingId,
    Guid StudentId,
    MoneyPayload Amount,
    MoneyPayload? Refunded,
    string Status,
    string? FailureCode = null,
    string? FailureMessage = null);
