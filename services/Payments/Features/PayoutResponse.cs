using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Features;

/// <param name="Status">pending, completed, failed or skipped.</param>
public sealed record PayoutResponse(
    Guid PayoutId,
    Guid TutorId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    MoneyPayload Amount,
    string Status,
    string? TransferId,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PayoutResponse From(Payout p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Id, p.TutorId, p.PeriodStart, p.PeriodEnd, MoneyPayload.From(p.AmountMoney), WireName(p.Status), p.TransferId, p.FailureReason, p.CreatedAt, p.UpdatedAt);
    }

    public static string WireName(PayoutStatus status) => status switch
    {
        PayoutStatus.Pending => "pending",
        PayoutStatus.Completed => "completed",
        PayoutStatus.Failed => "failed",
        PayoutStatus.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
