using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Reads of the earnings ledger against the payouts that settle it. An entry is settled while a pending or completed
/// payout claims it; a failed or skipped payout claims nothing, so its entries are payable again.
/// </summary>
public static class PayoutLedger
{
    private static readonly PayoutStatus[] Settling = [PayoutStatus.Pending, PayoutStatus.Completed];

    public static Task<bool> IsSettledAsync(PaymentsDbContext db, Guid entryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.PayoutClaims.AnyAsync(c => c.EntryId == entryId && db.Payouts.Any(p => p.Id == c.PayoutId && Settling.Contains(p.Status)), ct);
    }

    /// <summary>Every entry that happened before <paramref name="before"/> and no payout settles.</summary>
    public static IQueryable<LedgerEntry> Unsettled(PaymentsDbContext db, DateTimeOffset before)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Ledger.Where(e => e.OccurredAt < before
            && !db.PayoutClaims.Any(c => c.EntryId == e.Id && db.Payouts.Any(p => p.Id == c.PayoutId && Settling.Contains(p.Status))));
    }

    /// <summary>A tutor's entries that happened before <paramref name="before"/> and no payout settles: what the next payout pays.</summary>
    public static IQueryable<LedgerEntry> Unsettled(PaymentsDbContext db, Guid tutorId, DateTimeOffset before) =>
        Unsettled(db, before).Where(e => e.TutorId == tutorId);

    /// <summary>
    /// What a payout of the tutor opened now for entries before <paramref name="before"/> would pay: the unsettled entries in
    /// the currency of the oldest (others wait for a later payout), and their sum (in <paramref name="emptyCurrency"/> when there are none).
    /// </summary>
    public static async Task<(IReadOnlyList<LedgerEntry> Entries, Money Balance)> PayableAsync(
        PaymentsDbContext db, Guid tutorId, DateTimeOffset before, string emptyCurrency, CancellationToken ct)
    {
        var entries = await Unsettled(db, tutorId, before).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(ct);
        var currency = entries.FirstOrDefault()?.Currency ?? emptyCurrency;
        var payable = entries.Where(e => e.Currency == currency).ToList();
        return (payable, new Money(payable.Sum(e => e.Amount), Currency.Parse(currency)));
    }
}
