using DaprPlatform.Monetary;

namespace DaprPlatform.Booking.Domain;

/// <summary>Who asked to cancel a confirmed booking; a tutor cancelling always refunds the student in full.</summary>
public enum CancellationRequester
{
    Student,
    Tutor,
}

/// <summary>The refund policy (configuration section <c>Booking:Refunds</c>).</summary>
public sealed class RefundPolicyOptions
{
    public const string SectionName = "Booking:Refunds";

    /// <summary>Cancelling at least this many hours before the start refunds everything.</summary>
    public double FullRefundHours { get; set; } = 24;

    /// <summary>Cancelling at least this many hours before the start (but later than the full-refund window) refunds <see cref="PartialRefundPercent"/>.</summary>
    public double PartialRefundHours { get; set; } = 2;

    public int PartialRefundPercent { get; set; } = 50;

    public bool IsValid() =>
        PartialRefundHours >= 0 && FullRefundHours >= PartialRefundHours && PartialRefundPercent is >= 0 and <= 100;
}

/// <param name="HoursBeforeStart">Negative once the session has started.</param>
public sealed record RefundQuote(Money Refund, int Percent, double HoursBeforeStart);

/// <summary>
/// How much of the price goes back to the student when a booking is cancelled at a given time. Window boundaries belong
/// to the generous side (exactly 24 h before is a full refund), and amounts round down to a whole minor unit, so
/// the platform never refunds more than the policy says — in any currency's minor units (JPY has none, USD cents).
/// </summary>
public sealed class RefundCalculator(RefundPolicyOptions policy)
{
    private const int FullPercent = 100;

    public RefundQuote Quote(Money price, DateTimeOffset start, DateTimeOffset at, CancellationRequester requestedBy)
    {
        var before = start - at;
        var percent = requestedBy == CancellationRequester.Tutor ? FullPercent : PercentFor(before);
        var refund = price.Multiply(percent, FullPercent, MidpointRounding.ToZero);
        return new RefundQuote(refund, percent, before.TotalHours);
    }

    private int PercentFor(TimeSpan before)
    {
        if (before >= TimeSpan.FromHours(policy.FullRefundHours))
        {
            return FullPercent;
        }

        return before >= TimeSpan.FromHours(policy.PartialRefundHours) ? policy.PartialRefundPercent : 0;
    }
}
