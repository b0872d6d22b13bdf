using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Contracts;

/// <summary>
/// Data of <c>payment.succeeded</c>, <c>payment.failed</c> and <c>payment.refunded</c>. The workflows app raises
/// <c>payment-result</c> on <see cref="WorkflowInstanceId"/> from the first two.
/// </summary>
public sealed record PaymentEvent(
    Guid PaymentId,
    Guid BookingId,
    Guid StudentId,
    MoneyPayload Amount,
    MoneyPayload Refunded,
    string Status,
    string WorkflowInstanceId,
    string? FailureCode,
    string? FailureMessage,
    DateTimeOffset OccurredAt)
{
    public const string SucceededTopic = "payment.succeeded";
    public const string FailedTopic = "payment.failed";
    public const string RefundedTopic = "payment.refunded";

    public static PaymentEvent Of(Payment payment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return new(
            payment.Id,
            payment.BookingId,
            payment.StudentId,
            MoneyPayload.From(payment.AmountMoney),
            MoneyPayload.From(payment.RefundedMoney),
            payment.Status.WireName(),
            payment.WorkflowInstanceId,
            payment.FailureCode,
            payment.FailureMessage,
            now);
    }
}
