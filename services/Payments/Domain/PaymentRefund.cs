namespace DaprPlatform.Payments.Domain;

/// <summary>
/// A Stripe refund this service created. The Stripe refund id is the primary key, so a refund is counted once; the
/// caller's idempotency key is unique per payment, so a repeated refund call answers with the refund it already made.
/// </summary>
public sealed class PaymentRefund
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxReasonLength = 500;

    private PaymentRefund()
    {
        RefundId = string.Empty;
        IdempotencyKey = string.Empty;
        Status = string.Empty;
    }

    public string RefundId { get; private set; }
    public Guid PaymentId { get; private set; }
    public long Amount { get; private set; }

    /// <summary>Stripe's refund status at creation (pending, succeeded, …).</summary>
    public string Status { get; private set; }

    public string IdempotencyKey { get; private set; }
    public string? Reason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static PaymentRefund Record(string refundId, Guid paymentId, long amount, string status, string idempotencyKey, string? reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refundId);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        return new PaymentRefund
        {
            RefundId = refundId,
            PaymentId = paymentId,
            Amount = amount,
            Status = status.Length <= 32 ? status : status[..32],
            IdempotencyKey = idempotencyKey,
            Reason = reason,
            CreatedAt = new DateTimeOffset(now.Ticks - (now.Ticks % 10), now.Offset),
        };
    }
}
