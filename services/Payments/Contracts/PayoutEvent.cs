using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Contracts;

/// <summary>
/// Data of <c>payout.initiated</c>, <c>payout.completed</c> and <c>payout.failed</c> (the agreed contract of issue 17;
/// notifications tells the tutor).
/// </summary>
public sealed record PayoutEvent(
    Guid PayoutId,
    Guid TutorId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    MoneyPayload Amount,
    string? TransferId,
    string? FailureReason,
    DateTimeOffset OccurredAt)
{
    public const string InitiatedTopic = PlatformTopics.PayoutInitiated;
    public const string CompletedTopic = PlatformTopics.PayoutCompleted;
    public const string FailedTopic = PlatformTopics.PayoutFailed;

    public static PayoutEvent Of(Payout payout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payout);
        return new(payout.Id, payout.TutorId, payout.PeriodStart, payout.PeriodEnd, MoneyPayload.From(payout.AmountMoney), payout.TransferId, payout.FailureReason, now);
    }
}
