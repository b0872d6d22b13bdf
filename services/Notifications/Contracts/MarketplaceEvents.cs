namespace DaprPlatform.Notifications.Contracts;

/// <summary>An amount in minor units, as booking and payments put it on the wire.</summary>
public sealed record MoneyAmount(long Amount, string Currency);

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
    MoneyAmount Price,
    string Status,
    string? CancellationReason = null,
    MoneyAmount? Refund = null,
    string? PreviousStatus = null);

/// <summary>Consumer-side copy of payments' <c>payment.*</c> events.</summary>
public sealed record PaymentChanged(
    Guid PaymentId,
    Guid BookingId,
    Guid StudentId,
    MoneyAmount Amount,
    MoneyAmount? Refunded,
    string Status,
    string? FailureCode = null,
    string? FailureMessage = null);
