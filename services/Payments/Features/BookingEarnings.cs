using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Keeps a booking's ledger entries in line with its payment's refunded total: whichever arrives first — the booking's
/// completion or a refund of its payment — the other one's handler finds it and appends what is due. Runs inside the
/// caller's inbox transaction; the booking's earning row is locked so two refunds at once cannot both reverse.
/// </summary>
public static class BookingEarnings
{
    public static async Task SyncRefundsAsync(PaymentsDbContext db, Guid bookingId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var earning = await db.Ledger
            .FromSql($"SELECT * FROM earnings_ledger WHERE booking_id = {bookingId} AND kind = 'Earning' FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (earning is null)
        {
            // Not completed yet (or never will be): its completion will read the refund then.
            return;
        }

        var refunded = await db.Payments.AsNoTracking().Where(p => p.BookingId == bookingId).Select(p => (long?)p.Refunded).SingleOrDefaultAsync(ct) ?? 0;
        var reversed = -await db.Ledger.Where(e => e.BookingId == bookingId && e.Kind != LedgerEntryKind.Earning).SumAsync(e => e.Amount, ct);
        var paidOut = await PayoutLedger.IsSettledAsync(db, earning.Id, ct);
        if (earning.ReverseFor(refunded, reversed, paidOut, now) is { } reversal)
        {
            db.Ledger.Add(reversal);
        }
    }
}
