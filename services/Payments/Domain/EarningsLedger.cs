using DaprPlatform.Monetary;

namespace DaprPlatform.Payments.Domain;

/// <summary>What a ledger entry records; the sign of its amount follows from it.</summary>
public enum LedgerEntryKind
{
    /// <summary>A completed booking's price minus the platform fee, owed to the tutor (positive).</summary>
    Earning,

    /// <summary>A refund of a booking whose earning has not been paid out: the earning shrinks before any money moved (negative).</summary>
    Reversal,

    /// <summary>A refund of a booking whose earning was already paid out (or is being): deducted from the next payout (negative).</summary>
    Clawback,
}

/// <summary>
/// One row of a tutor's earnings ledger: append-only — a correction is a new entry, never an edit. Amounts are signed
/// minor units of <see cref="Currency"/>. Per booking there is one earning and one entry per cumulative refund level
/// (<see cref="RefundedTotal"/>), so a refund reported twice cannot reverse twice.
/// </summary>
public sealed class LedgerEntry
{
    private LedgerEntry()
    {
        Currency = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid TutorId { get; private set; }
    public Guid BookingId { get; private set; }
    public LedgerEntryKind Kind { get; private set; }

    /// <summary>Signed minor units: positive for an earning, negative for a reversal or clawback.</summary>
    public long Amount { get; private set; }

    /// <summary>Upper-case ISO 4217 code.</summary>
    public string Currency { get; private set; }

    /// <summary>The booking's price the earning was computed from.</summary>
    public long BookingPrice { get; private set; }

    /// <summary>The booking's refunded total this entry brings the reversals up to; 0 for the earning itself.</summary>
    public long RefundedTotal { get; private set; }

    /// <summary>When it happened (the booking's completion for an earning): which payout period it belongs to.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public Money AmountMoney => new(Amount, Monetary.Currency.Parse(Currency));

    public static LedgerEntry Earning(Guid tutorId, Guid bookingId, Money price, decimal platformFeePercent, DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (tutorId == Guid.Empty || bookingId == Guid.Empty) { throw new ArgumentException("An earning needs a tutor and a booking."); }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price.MinorUnits);
        return new LedgerEntry
        {
            Id = Guid.CreateVersion7(now),
            TutorId = tutorId,
            BookingId = bookingId,
            Kind = LedgerEntryKind.Earning,
            Amount = EarningRules.Earning(price.MinorUnits, platformFeePercent),
            Currency = price.Currency.Code,
            BookingPrice = price.MinorUnits,
            RefundedTotal = 0,
            OccurredAt = Truncate(occurredAt),
            RecordedAt = Truncate(now),
        };
    }

    /// <summary>
    /// The entry that brings this booking's reversals up to what <paramref name="refundedTotal"/> calls for, or null
    /// when nothing more is due. <paramref name="alreadyReversed"/>: the (positive) sum of its earlier reversals and clawbacks.
    /// </summary>
    public LedgerEntry? ReverseFor(long refundedTotal, long alreadyReversed, bool paidOut, DateTimeOffset now)
    {
        if (Kind != LedgerEntryKind.Earning) { throw new InvalidOperationException("Only an earning is reversed."); }
        var due = EarningRules.Reversal(Amount, BookingPrice, refundedTotal) - alreadyReversed;
        if (due <= 0) { return null; }
        return new LedgerEntry
        {
            Id = Guid.CreateVersion7(now),
            TutorId = TutorId,
            BookingId = BookingId,
            Kind = paidOut ? LedgerEntryKind.Clawback : LedgerEntryKind.Reversal,
            Amount = -due,
            Currency = Currency,
            BookingPrice = BookingPrice,
            RefundedTotal = refundedTotal,
            OccurredAt = Truncate(now),
            RecordedAt = Truncate(now),
        };
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => DomainIds.ToMicroseconds(t.ToUniversalTime());
}

/// <summary>
/// The money rules of earnings. Rounding: the platform fee is the price times the percentage, rounded to the nearest
/// minor unit with halves away from zero (so the platform never takes less than half a cent short); the tutor earns the
/// rest. A refund reverses the same share of the earning as it is of the price, rounded the same way, and a full
/// refund reverses the earning exactly.
/// </summary>
public static class EarningRules
{
    public static long Fee(long price, decimal platformFeePercent)
    {
        if (platformFeePercent is < 0 or > 100) { throw new ArgumentOutOfRangeException(nameof(platformFeePercent), "The platform fee is a percentage from 0 to 100."); }
        return (long)Math.Round(price * platformFeePercent / 100m, MidpointRounding.AwayFromZero);
    }

    public static long Earning(long price, decimal platformFeePercent) => price - Fee(price, platformFeePercent);

    /// <summary>How much of <paramref name="earning"/> a cumulative refund of <paramref name="refunded"/> out of <paramref name="price"/> takes back.</summary>
    public static long Reversal(long earning, long price, long refunded)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price);
        if (refunded <= 0) { return 0; }
        return refunded >= price ? earning : (long)Math.Round((decimal)earning * refunded / price, MidpointRounding.AwayFromZero);
    }
}
