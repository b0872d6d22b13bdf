using DaprPlatform.Monetary;

namespace DaprPlatform.Payments.Domain;

/// <summary>
/// One booking's payment, mirrored from its Stripe PaymentIntent. Stripe is the source of truth; the transitions here
/// only accept what Stripe can report, and they never move a payment backwards: a <c>payment_failed</c> that arrives
/// after <c>succeeded</c> (webhooks are not ordered) changes nothing.
/// </summary>
public sealed class Payment
{
    public const int MaxDescriptionLength = 500;
    public const int MaxWorkflowInstanceIdLength = 200;
    public const int MaxStripeIdLength = 255;
    public const int MaxFailureCodeLength = 100;
    public const int MaxFailureMessageLength = 1000;

    private Payment()
    {
        Currency = string.Empty;
        Description = string.Empty;
        WorkflowInstanceId = string.Empty;
        PaymentIntentId = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public Guid StudentId { get; private set; }

    /// <summary>Minor units of <see cref="Currency"/>.</summary>
    public long Amount { get; private set; }

    /// <summary>Upper-case ISO 4217 code.</summary>
    public string Currency { get; private set; }

    /// <summary>What has been refunded: the larger of the refunds this service created and what Stripe reported on the charge.</summary>
    public long Refunded { get; private set; }

    /// <summary>Sum of the refunds this service created (each counted once, by refund id).</summary>
    public long RefundedByUs { get; private set; }

    /// <summary>The charge's <c>amount_refunded</c> from the latest <c>charge.refunded</c> event (cumulative, so out of order is harmless).</summary>
    public long RefundedReported { get; private set; }

    public PaymentStatus Status { get; private set; }
    public string PaymentIntentId { get; private set; }
    public string? ClientSecret { get; private set; }
    public string? CustomerId { get; private set; }
    public string Description { get; private set; }
    public string WorkflowInstanceId { get; private set; }
    public string? FailureCode { get; private set; }
    public string? FailureMessage { get; private set; }

    /// <summary>Completed confirm calls; part of the next confirm's Stripe idempotency key, so a retry of one attempt reuses its key.</summary>
    public int ConfirmAttempts { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Money AmountMoney => new(Amount, Monetary.Currency.Parse(Currency));

    public Money RefundedMoney => new(Refunded, Monetary.Currency.Parse(Currency));

    /// <summary>What a refund may still return.</summary>
    public long Refundable => Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded ? Amount - Refunded : 0;

    /// <summary>Confirming is possible until money moved or the intent was canceled.</summary>
    public bool IsConfirmable => Status is PaymentStatus.RequiresPayment or PaymentStatus.Failed;

    /// <summary>
    /// The payment id of a booking. Deterministic, so a retried create (after a crash between Stripe's answer and our
    /// commit) sends Stripe the same idempotency key and gets the same PaymentIntent instead of a second one.
    /// </summary>
    public static Guid IdFor(Guid bookingId) => DomainIds.NameBased($"daprplatform:payments:payment:{bookingId:N}");

    public static Payment Create(
        Guid bookingId,
        Guid studentId,
        Money amount,
        string description,
        string workflowInstanceId,
        string paymentIntentId,
        string? clientSecret,
        string? customerId,
        DateTimeOffset now)
    {
        if (bookingId == Guid.Empty || studentId == Guid.Empty)
        {
            throw new ArgumentException("A payment needs a booking and a student.");
        }

        if (amount.MinorUnits <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A payment amount must be positive.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(paymentIntentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowInstanceId);
        var at = Truncate(now);
        return new Payment
        {
            Id = IdFor(bookingId),
            BookingId = bookingId,
            StudentId = studentId,
            Amount = amount.MinorUnits,
            Currency = amount.Currency.Code,
            Status = PaymentStatus.RequiresPayment,
            PaymentIntentId = paymentIntentId,
            ClientSecret = clientSecret,
            CustomerId = customerId,
            Description = description,
            WorkflowInstanceId = workflowInstanceId,
            CreatedAt = at,
            UpdatedAt = at,
        };
    }

    public bool IsVisibleTo(Guid userId, bool isAdmin) => isAdmin || StudentId == userId;

    /// <summary>Stripe took the money. Returns true when this is news (the caller then publishes payment.succeeded).</summary>
    public bool MarkSucceeded(DateTimeOffset now)
    {
        if (Status is not (PaymentStatus.RequiresPayment or PaymentStatus.Processing or PaymentStatus.Failed))
        {
            // Already succeeded (or refunded since), or canceled: a late or repeated report changes nothing.
            return false;
        }

        Status = PaymentStatus.Succeeded;
        FailureCode = null;
        FailureMessage = null;
        Touch(now);
        return true;
    }

    /// <summary>An attempt was declined. Returns true when this is news (the caller publishes payment.failed).</summary>
    public bool MarkFailed(string? code, string? message, DateTimeOffset now)
    {
        if (Status is not (PaymentStatus.RequiresPayment or PaymentStatus.Processing or PaymentStatus.Failed))
        {
            return false;
        }

        var newCode = Clip(code ?? "payment_failed", MaxFailureCodeLength);
        var newMessage = message is null ? null : Clip(message, MaxFailureMessageLength);
        if (Status == PaymentStatus.Failed && FailureCode == newCode && FailureMessage == newMessage)
        {
            // The confirm answer and the webhook report the same decline; it is one failure.
            return false;
        }

        Status = PaymentStatus.Failed;
        FailureCode = newCode;
        FailureMessage = newMessage;
        Touch(now);
        return true;
    }

    public bool MarkProcessing(DateTimeOffset now)
    {
        if (Status is not (PaymentStatus.RequiresPayment or PaymentStatus.Failed))
        {
            return false;
        }

        Status = PaymentStatus.Processing;
        Touch(now);
        return true;
    }

    /// <summary>The PaymentIntent was canceled at Stripe. A succeeded payment can only be refunded, never canceled.</summary>
    public bool MarkCanceled(DateTimeOffset now)
    {
        if (Status is not (PaymentStatus.RequiresPayment or PaymentStatus.Processing or PaymentStatus.Failed))
        {
            return false;
        }

        Status = PaymentStatus.Canceled;
        Touch(now);
        return true;
    }

    public void RecordConfirmAttempt(DateTimeOffset now)
    {
        ConfirmAttempts++;
        Touch(now);
    }

    /// <summary>A refund this service created (the caller makes sure each refund id is recorded once). Returns true when the refunded total grew.</summary>
    public bool RecordRefund(long amount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        EnsureRefundable();
        RefundedByUs = checked(RefundedByUs + amount);
        return ApplyRefundTotal(now);
    }

    /// <summary>Stripe's cumulative <c>amount_refunded</c> of the charge. Returns true when the refunded total grew.</summary>
    public bool ApplyChargeRefunded(long amountRefunded, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountRefunded);
        if (Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded))
        {
            // A refund implies the payment succeeded, even when that webhook has not arrived yet.
            if (!MarkSucceeded(now))
            {
                return false;
            }
        }

        RefundedReported = Math.Max(RefundedReported, amountRefunded);
        return ApplyRefundTotal(now);
    }

    private bool ApplyRefundTotal(DateTimeOffset now)
    {
        var total = Math.Min(Amount, Math.Max(RefundedByUs, RefundedReported));
        if (total <= Refunded)
        {
            return false;
        }

        Refunded = total;
        Status = Refunded >= Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        Touch(now);
        return true;
    }

    private void EnsureRefundable()
    {
        if (Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded))
        {
            throw new InvalidOperationException($"A {Status} payment has nothing to refund.");
        }
    }

    private void Touch(DateTimeOffset now) => UpdatedAt = Truncate(now);

    private static DateTimeOffset Truncate(DateTimeOffset t) => DomainIds.ToMicroseconds(t);

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
