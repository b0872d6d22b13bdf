using System.Globalization;
using DaprPlatform.Monetary;

namespace DaprPlatform.Payments.Domain;

public enum PayoutStatus
{
    /// <summary>Recorded with the entries it settles; its transfer is not made yet.</summary>
    Pending,

    /// <summary>The Stripe transfer was made.</summary>
    Completed,

    /// <summary>Stripe refused the transfer; its entries are payable again next period (never twice in one).</summary>
    Failed,

    /// <summary>The balance was below the minimum payout; nothing settled, everything carried forward.</summary>
    Skipped,
}

/// <summary>
/// A tutor's payout for one period: at most one per (tutor, period) — its id is derived from them —, with the ledger
/// entries it settles (<see cref="PayoutClaim"/>) while pending or completed. The Stripe transfer's idempotency key is
/// derived from tutor and period too, so however often the saga repeats the step, Stripe makes one transfer.
/// </summary>
public sealed class Payout
{
    public const int MaxFailureReasonLength = 1000;

    private Payout()
    {
        Currency = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid TutorId { get; private set; }
    public DateTimeOffset PeriodStart { get; private set; }
    public DateTimeOffset PeriodEnd { get; private set; }

    /// <summary>Minor units: what is transferred (pending, completed, failed) or was too little to (skipped).</summary>
    public long Amount { get; private set; }

    public string Currency { get; private set; }
    public PayoutStatus Status { get; private set; }
    public string? TransferId { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Money AmountMoney => new(Amount, Monetary.Currency.Parse(Currency));

    /// <summary>What Stripe gets as Idempotency-Key and <c>transfer_group</c>: the tutor and the period, nothing else.</summary>
    public string TransferKey => TransferKeyFor(TutorId, PeriodStart, PeriodEnd);

    public static string TransferKeyFor(Guid tutorId, DateTimeOffset start, DateTimeOffset end) =>
        string.Create(CultureInfo.InvariantCulture, $"payout-{tutorId:N}-{start.UtcDateTime:yyyyMMddTHHmmssZ}-{end.UtcDateTime:yyyyMMddTHHmmssZ}");

    /// <summary>The payout id of a tutor's period: deterministic, so (tutor, period) names one payout.</summary>
    public static Guid IdFor(Guid tutorId, DateTimeOffset start, DateTimeOffset end) => DomainIds.NameBased("daprplatform:payments:" + TransferKeyFor(tutorId, start, end));

    /// <summary>Checks a period; null when valid, else why not.</summary>
    public static string? PeriodProblem(DateTimeOffset start, DateTimeOffset end) =>
        start.Offset != TimeSpan.Zero || end.Offset != TimeSpan.Zero ? "A period is given in UTC."
        : end <= start ? "A period ends after it starts."
        : null;

    /// <summary>Whether a balance is worth a transfer: at least <paramref name="minimum"/> minor units, and never nothing.</summary>
    public static bool IsPayable(Money balance, long minimum) => balance.MinorUnits >= SmallestPayout(minimum);

    /// <summary>The smallest amount paid out under <paramref name="minimum"/> (a minimum of 0 still pays nothing for nothing).</summary>
    public static long SmallestPayout(long minimum) => Math.Max(1, minimum);

    /// <summary>A payout of <paramref name="balance"/>: pending when it reaches <paramref name="minimum"/>, else skipped (carried forward).</summary>
    public static Payout Open(Guid tutorId, DateTimeOffset start, DateTimeOffset end, Money balance, long minimum, DateTimeOffset now)
    {
        if (tutorId == Guid.Empty) { throw new ArgumentException("A payout needs a tutor.", nameof(tutorId)); }
        if (PeriodProblem(start, end) is { } problem) { throw new ArgumentException(problem, nameof(end)); }
        var at = Truncate(now);
        return new Payout
        {
            Id = IdFor(tutorId, start, end),
            TutorId = tutorId,
            PeriodStart = start,
            PeriodEnd = end,
            Amount = balance.MinorUnits,
            Currency = balance.Currency.Code,
            Status = IsPayable(balance, minimum) ? PayoutStatus.Pending : PayoutStatus.Skipped,
            CreatedAt = at,
            UpdatedAt = at,
        };
    }

    /// <summary>Stripe made the transfer. Returns true when this is news.</summary>
    public bool Complete(string transferId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transferId);
        if (Status != PayoutStatus.Pending) { return false; }
        Status = PayoutStatus.Completed;
        TransferId = transferId;
        UpdatedAt = Truncate(now);
        return true;
    }

    /// <summary>Stripe refused the transfer: its entries go back to the balance for the next period. Returns true when this is news.</summary>
    public bool Fail(string reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (Status != PayoutStatus.Pending) { return false; }
        Status = PayoutStatus.Failed;
        FailureReason = reason.Length <= MaxFailureReasonLength ? reason : reason[..MaxFailureReasonLength];
        UpdatedAt = Truncate(now);
        return true;
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => DomainIds.ToMicroseconds(t.ToUniversalTime());
}

/// <summary>A ledger entry settled by a payout. An entry is held by at most one pending or completed payout at a time.</summary>
public sealed record PayoutClaim(Guid PayoutId, Guid EntryId);
