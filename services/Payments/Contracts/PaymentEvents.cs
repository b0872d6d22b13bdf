using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;
using DaprPlatform.ServiceDefaults;

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
    public const string SucceededTopic = PlatformTopics.PaymentSucceeded;
    public const string FailedTopic = PlatformTopics.PaymentFailed;
    public const string RefundedTopic = PlatformTopics.PaymentRefunded;

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
