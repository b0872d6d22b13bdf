using DaprPlatform.Monetary;

namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of payments' <c>payout.initiated</c>, <c>payout.completed</c> and <c>payout.failed</c> (issue 17's contract).</summary>
public sealed record PayoutChanged(
    Guid PayoutId,
    Guid TutorId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    MoneyPayload Amount,
    string? TransferId = null,
    string? FailureReason = null);
