namespace DaprPlatform.Workflows.BookingPayment;

/// <summary>An amount in minor units as every service puts it on the wire (<c>{"amount": 4500, "currency": "USD"}</c>).</summary>
public sealed record MoneyAmount(long Amount, string Currency)
{
    public bool IsPositive => Amount > 0;
}

/// <summary>
/// BookingPayment input, as the booking service asked for it. The payment timeout is fixed at the start (from configuration)
/// so a replay never sees a different value.
/// </summary>
public sealed record BookingPaymentInput(
    Guid BookingId,
    Guid StudentId,
    string StudentName,
    Guid TutorId,
    DateTimeOffset Start,
    int DurationMinutes,
    string Subject,
    int PaymentTimeoutSeconds);

/// <summary>How a BookingPayment ended: confirmed, rejected before any payment (slot taken), or cancelled (payment failed, timed out, withdrawn).</summary>
public sealed record BookingPaymentOutput(string Outcome, Guid BookingId, Guid? PaymentId, string? Reason);

/// <summary>The custom status: the step running now (or the last one) and the payment once it exists.</summary>
public sealed record BookingProgress(string Step, Guid? PaymentId = null, string? Reason = null);

/// <summary>The <c>payment-result</c> workflow event, raised from payments' <c>payment.succeeded</c> / <c>payment.failed</c>.</summary>
public sealed record PaymentResult(Guid PaymentId, bool Succeeded, string? FailureCode = null, string? FailureMessage = null);

/// <summary>The <c>booking-withdrawn</c> event: the student or tutor cancelled before the payment came in.</summary>
public sealed record BookingWithdrawal(string RequestedBy, string? Reason);

public sealed record BookingCancellationInput(Guid BookingId, string RequestedBy, DateTimeOffset RequestedAt, string? Reason);

public sealed record BookingCancellationOutput(string Outcome, Guid BookingId, MoneyAmount? Refund, string? Reason);

public static class BookingEvents
{
    public const string PaymentResult = "payment-result";
    public const string Withdrawn = "booking-withdrawn";
}

public static class BookingOutcomes
{
    public const string Confirmed = "confirmed";

    /// <summary>Refused before anything was charged: the slot was not free, or the booking could not be created.</summary>
    public const string Rejected = "rejected";

    /// <summary>The payment failed, timed out or was withdrawn; every completed step was undone.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A confirmed booking was cancelled and refunded by policy.</summary>
    public const string Refunded = "refunded";

    /// <summary>The booking was in no state to be cancelled (already cancelled, completed, or unknown).</summary>
    public const string NotCancellable = "not-cancellable";
}

/// <summary>Step names: the custom status, and the idempotency keys (<c>{instanceId}:{step}</c>).</summary>
public static class BookingSteps
{
    public const string HoldSlot = "HoldSlot";
    public const string CreateBooking = "CreateBooking";
    public const string CreatePaymentIntent = "CreatePaymentIntent";
    public const string MarkAwaitingPayment = "MarkAwaitingPayment";
    public const string AwaitingPayment = "AwaitingPayment";
    public const string ConfirmBooking = "ConfirmBooking";
    public const string BookSlot = "BookSlot";
    public const string VoidPayment = "VoidPayment";
    public const string CancelBooking = "CancelBooking";
    public const string ReleaseSlot = "ReleaseSlot";
    public const string QuoteRefund = "QuoteRefund";
    public const string RefundPayment = "RefundPayment";
    public const string Confirmed = "Confirmed";
    public const string Cancelled = "Cancelled";
    public const string Rejected = "Rejected";
    public const string Refunded = "Refunded";
}

public sealed record HoldSlotInput(Guid BookingId, Guid TutorId, Guid StudentId, DateTimeOffset Start, int DurationMinutes, int HoldMinutes);

/// <summary>The slot hold, or why tutoring refused it (then <see cref="Held"/> is false).</summary>
public sealed record SlotHold(bool Held, string? TutorName, DateTimeOffset Start, DateTimeOffset End, MoneyAmount? Price, string? Refusal);

public sealed record CreateBookingInput(
    Guid BookingId, string WorkflowInstanceId, Guid StudentId, string StudentName, Guid TutorId, string TutorName,
    string Subject, DateTimeOffset Start, DateTimeOffset End, MoneyAmount Price);

/// <summary>A step a service may refuse for a business reason (a 4xx no retry changes): done, or the refusal.</summary>
public sealed record StepOutcome(bool Done, string? Refusal)
{
    public static StepOutcome Success { get; } = new(true, null);

    public static StepOutcome Refused(string reason) => new(false, reason);
}

public sealed record CreatePaymentIntentInput(Guid BookingId, Guid StudentId, MoneyAmount Amount, string Description, string WorkflowInstanceId);

public sealed record PaymentIntentCreated(bool Created, Guid PaymentId, string? PaymentIntentId, string? Refusal);

public sealed record AwaitingPaymentInput(Guid BookingId, Guid PaymentId, string PaymentIntentId);

public sealed record BookingRef(Guid BookingId);

public sealed record PaymentRef(Guid PaymentId);

public sealed record CancelBookingInput(Guid BookingId, string Reason, MoneyAmount? Refund);

public sealed record RefundQuoteInput(Guid BookingId, string RequestedBy, DateTimeOffset At);

/// <summary>What the policy gives back, or why the booking cannot be cancelled (then <see cref="Cancellable"/> is false).</summary>
public sealed record RefundQuote(bool Cancellable, MoneyAmount? Refund, int Percent, Guid? PaymentId, string? Refusal);

public sealed record RefundPaymentInput(Guid PaymentId, MoneyAmount Amount, string Reason);
