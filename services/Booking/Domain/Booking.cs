using DaprPlatform.Monetary;

namespace DaprPlatform.Booking.Domain;

/// <summary>
/// One tutoring session a student booked. Every state change is a method that either applies a legal transition,
/// recognises a repeat of the transition that produced the current state (returns false: the saga runs activities at
/// least once, so repeats must be harmless), or throws <see cref="IllegalBookingTransitionException"/>.
/// </summary>
public sealed class Booking
{
    public const int MaxNameLength = 100;
    public const int MaxSubjectLength = 80;
    public const int MaxWorkflowInstanceIdLength = 100;
    public const int MaxPaymentIntentIdLength = 255;
    public const int MaxCancellationReasonLength = 500;
    public const int CurrencyCodeLength = 3;

    private Booking()
    {
        WorkflowInstanceId = string.Empty;
        StudentName = string.Empty;
        TutorName = string.Empty;
        Subject = string.Empty;
        PriceCurrency = string.Empty;
    }

    public Guid Id { get; private set; }

    public string WorkflowInstanceId { get; private set; }

    public Guid StudentId { get; private set; }

    public string StudentName { get; private set; }

    public Guid TutorId { get; private set; }

    public string TutorName { get; private set; }

    public string Subject { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset End { get; private set; }

    public long PriceMinorUnits { get; private set; }

    public string PriceCurrency { get; private set; }

    public BookingStatus Status { get; private set; }

    public Guid? PaymentId { get; private set; }

    public string? PaymentIntentId { get; private set; }

    /// <summary>Minor units refunded to the student, in the price's currency; null when nothing was refunded.</summary>
    public long? RefundMinorUnits { get; private set; }

    public string? CancellationReason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Currency Currency => Currency.Parse(PriceCurrency);

    public Money Price => new(PriceMinorUnits, Currency);

    public Money? Refund => RefundMinorUnits is { } refund ? new Money(refund, Currency) : null;

    public int DurationMinutes => (int)(End - Start).TotalMinutes;

    public static Booking Request(BookingSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.End <= snapshot.Start)
        {
            throw new ArgumentException("A booking must end after it starts.", nameof(snapshot));
        }

        return new Booking
        {
            Id = snapshot.BookingId,
            WorkflowInstanceId = snapshot.WorkflowInstanceId,
            StudentId = snapshot.StudentId,
            StudentName = snapshot.StudentName,
            TutorId = snapshot.TutorId,
            TutorName = snapshot.TutorName,
            Subject = snapshot.Subject,
            Start = snapshot.Start.ToUniversalTime(),
            End = snapshot.End.ToUniversalTime(),
            PriceMinorUnits = snapshot.Price.MinorUnits,
            PriceCurrency = snapshot.Price.Currency.Code,
            Status = BookingStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>True when this booking was created from exactly this snapshot (a replayed CreateBooking step).</summary>
    public bool Matches(BookingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Id == snapshot.BookingId
            && string.Equals(WorkflowInstanceId, snapshot.WorkflowInstanceId, StringComparison.Ordinal)
            && StudentId == snapshot.StudentId
            && string.Equals(StudentName, snapshot.StudentName, StringComparison.Ordinal)
            && TutorId == snapshot.TutorId
            && string.Equals(TutorName, snapshot.TutorName, StringComparison.Ordinal)
            && string.Equals(Subject, snapshot.Subject, StringComparison.Ordinal)
            && Start == snapshot.Start
            && End == snapshot.End
            && Price == snapshot.Price;
    }

    /// <summary>pending → awaitingPayment once the payment intent exists. Returns false for a repeat with the same payment.</summary>
    public bool AwaitPayment(Guid paymentId, string paymentIntentId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentIntentId);
        const string transition = "await payment";
        if (Status == BookingStatus.AwaitingPayment)
        {
            return PaymentId == paymentId && string.Equals(PaymentIntentId, paymentIntentId, StringComparison.Ordinal)
                ? false
                : throw new IllegalBookingTransitionException(Id, Status, transition, $"it already awaits payment {PaymentId}");
        }

        Require(BookingStatus.Pending, transition);
        PaymentId = paymentId;
        PaymentIntentId = paymentIntentId;
        return Move(BookingStatus.AwaitingPayment, now);
    }

    /// <summary>awaitingPayment → confirmed after the payment succeeded. Returns false when already confirmed.</summary>
    public bool Confirm(DateTimeOffset now)
    {
        if (Status == BookingStatus.Confirmed)
        {
            return false;
        }

        Require(BookingStatus.AwaitingPayment, "be confirmed");
        return Move(BookingStatus.Confirmed, now);
    }

    /// <summary>
    /// pending/awaitingPayment → cancelled (a refund only with a payment); confirmed → refunded when <paramref name="refund"/> is
    /// positive, else cancelled.
    /// A repeat with the same reason and refund returns false; any other cancellation of a cancelled booking is illegal.
    /// </summary>
    public bool Cancel(string reason, Money? refund, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        const string transition = "be cancelled";
        var refundUnits = refund is { IsZero: false } r ? r.MinorUnits : (long?)null;
        if (refund is { } given)
        {
            if (given.Currency != Currency)
            {
                throw new IllegalBookingTransitionException(Id, Status, transition, $"the refund is in {given.Currency.Code}, the price in {PriceCurrency}");
            }

            if (given.IsNegative || given > Price)
            {
                throw new IllegalBookingTransitionException(Id, Status, transition, $"a refund must be between 0 and the price {Price}");
            }
        }

        if (Status is BookingStatus.Cancelled or BookingStatus.Refunded)
        {
            return string.Equals(CancellationReason, reason, StringComparison.Ordinal) && RefundMinorUnits == refundUnits
                ? false
                : throw new IllegalBookingTransitionException(Id, Status, transition, "it was already cancelled differently");
        }

        var target = Status switch
        {
            BookingStatus.Pending when refundUnits is null => BookingStatus.Cancelled,
            BookingStatus.Pending =>
                throw new IllegalBookingTransitionException(Id, Status, transition, "no payment exists, so nothing can be refunded"),
            // A payment that succeeded after the saga gave up on it is refunded in full by payments' void; the booking
            // still ends cancelled (it was never confirmed) but records what went back to the student.
            BookingStatus.AwaitingPayment => BookingStatus.Cancelled,
            BookingStatus.Confirmed => refundUnits is null ? BookingStatus.Cancelled : BookingStatus.Refunded,
            _ => throw new IllegalBookingTransitionException(Id, Status, transition),
        };
        CancellationReason = reason;
        RefundMinorUnits = refundUnits;
        return Move(target, now);
    }

    /// <summary>confirmed → completed, by the tutor once the session has ended. Returns false when already completed.</summary>
    public bool Complete(DateTimeOffset now)
    {
        const string transition = "be completed";
        if (Status == BookingStatus.Completed)
        {
            return false;
        }

        Require(BookingStatus.Confirmed, transition);
        if (now < End)
        {
            throw new IllegalBookingTransitionException(Id, Status, transition, $"the session ends at {End:O}");
        }

        return Move(BookingStatus.Completed, now);
    }

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => Start < end && start < End;

    public bool IsParticipant(Guid userId) => userId == StudentId || userId == TutorId;

    private void Require(BookingStatus expected, string transition)
    {
        if (Status != expected)
        {
            throw new IllegalBookingTransitionException(Id, Status, transition);
        }
    }

    private bool Move(BookingStatus target, DateTimeOffset now)
    {
        Status = target;
        UpdatedAt = now;
        return true;
    }
}
