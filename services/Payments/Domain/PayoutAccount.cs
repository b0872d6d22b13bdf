namespace DaprPlatform.Payments.Domain;

/// <summary>
/// A tutor's Stripe Connect Express account: created once per tutor, enabled when Stripe says it may receive transfers
/// (from a retrieve or the <c>account.updated</c> webhook, whichever lands first; both carry the whole account).
/// </summary>
public sealed class PayoutAccount
{
    private PayoutAccount()
    {
        StripeAccountId = string.Empty;
    }

    public Guid TutorId { get; private set; }
    public string StripeAccountId { get; private set; }
    public bool DetailsSubmitted { get; private set; }
    public bool PayoutsEnabled { get; private set; }

    /// <summary>The account's <c>capabilities.transfers</c> is active: it can receive our transfers.</summary>
    public bool TransfersActive { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsEnabled => PayoutsEnabled && TransfersActive;

    public static PayoutAccount Create(Guid tutorId, string stripeAccountId, DateTimeOffset now)
    {
        if (tutorId == Guid.Empty) { throw new ArgumentException("A payout account needs a tutor.", nameof(tutorId)); }
        ArgumentException.ThrowIfNullOrWhiteSpace(stripeAccountId);
        return new PayoutAccount { TutorId = tutorId, StripeAccountId = stripeAccountId, CreatedAt = now, UpdatedAt = now };
    }

    /// <summary>Takes Stripe's view of the account. Returns true when it changed.</summary>
    public bool Apply(bool detailsSubmitted, bool payoutsEnabled, bool transfersActive, DateTimeOffset now)
    {
        if (DetailsSubmitted == detailsSubmitted && PayoutsEnabled == payoutsEnabled && TransfersActive == transfersActive) { return false; }
        DetailsSubmitted = detailsSubmitted;
        PayoutsEnabled = payoutsEnabled;
        TransfersActive = transfersActive;
        UpdatedAt = now;
        return true;
    }
}
