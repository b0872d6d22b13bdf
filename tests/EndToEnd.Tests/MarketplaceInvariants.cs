using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// What must hold across tutoring, booking and payments whenever no saga is in flight, read straight from the three
/// databases (each service owns its own): a confirmed booking has a succeeded payment and a booked slot; a succeeded
/// payment has a confirmed booking; a cancelled booking leaves no payment open or kept; a refund on a booking is the refund
/// on its payment; no slot is booked twice. Payments' earnings ledger: an earning only for a completed booking, at its
/// price; no booking paid out twice; per tutor, what was transferred never exceeds what was earned less reversals and
/// clawbacks; every completed payout has its transfer and is exactly the sum of the ledger entries it settles.
/// </summary>
public static class MarketplaceInvariants
{
    private sealed record BookingRow(Guid Id, string Status, Guid? PaymentId, long? RefundAmount, Guid TutorId, DateTimeOffset Start, DateTimeOffset End, long Price);

    private sealed record PaymentRow(Guid Id, Guid BookingId, string Status, long Amount, long Refunded);

    private sealed record LedgerRow(Guid Id, Guid TutorId, Guid BookingId, string Kind, long Amount, string Currency, long BookingPrice);

    private sealed record PayoutRow(Guid Id, Guid TutorId, string Status, long Amount, string Currency, string? TransferId);

    private sealed record ClaimRow(Guid PayoutId, Guid EntryId);

    private sealed record HoldRow(Guid BookingId, Guid TutorId, string Status, DateTimeOffset Start, DateTimeOffset End);

    public static async Task AssertHoldAsync(PlatformFixture platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var bookings = await ReadAsync(platform, "booking",
            "SELECT id, status, payment_id, refund_amount, tutor_id, start_at, end_at, price_amount FROM bookings",
            r => new BookingRow(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetGuid(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetInt64(7)));
        var payments = (await ReadAsync(platform, "payments",
            "SELECT id, booking_id, status, amount, refunded FROM payments",
            r => new PaymentRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)))).ToDictionary(p => p.BookingId);
        var holds = (await ReadAsync(platform, "tutoring",
            "SELECT booking_id, tutor_id, status, start_at, end_at FROM slot_holds",
            r => new HoldRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4)))).ToDictionary(h => h.BookingId);

        var broken = new List<string>();
        foreach (var booking in bookings)
        {
            var payment = payments.GetValueOrDefault(booking.Id);
            var hold = holds.GetValueOrDefault(booking.Id);
            switch (booking.Status)
            {
                case "Confirmed" or "Completed":
                    if (payment?.Status != "Succeeded") { broken.Add($"booking {booking.Id} is {booking.Status} but its payment is {payment?.Status ?? "missing"}"); }
                    if (hold?.Status != "booked") { broken.Add($"booking {booking.Id} is {booking.Status} but its slot is {hold?.Status ?? "not held"}"); }
                    break;
                case "Cancelled" or "Refunded":
                    if (payment?.Status is "RequiresPayment" or "Processing" or "Succeeded")
                    {
                        broken.Add($"booking {booking.Id} is {booking.Status} but its payment is still {payment.Status}");
                    }

                    if (hold?.Status is "held" or "booked") { broken.Add($"booking {booking.Id} is {booking.Status} but its slot is still {hold.Status}"); }
                    if (booking.RefundAmount is { } refund && refund > 0 && payment?.Refunded != refund)
                    {
                        broken.Add($"booking {booking.Id} records a refund of {refund} but its payment shows {payment?.Refunded.ToString() ?? "no payment"}");
                    }

                    break;
            }
        }

        var bookingStatus = bookings.ToDictionary(b => b.Id, b => b.Status);
        foreach (var payment in payments.Values.Where(p => p.Status == "Succeeded"))
        {
            if (bookingStatus.GetValueOrDefault(payment.BookingId) is not ("Confirmed" or "Completed"))
            {
                broken.Add($"payment {payment.Id} succeeded but its booking is {bookingStatus.GetValueOrDefault(payment.BookingId) ?? "missing"} and nothing was refunded");
            }
        }

        foreach (var tutor in holds.Values.Where(h => h.Status == "booked").GroupBy(h => h.TutorId))
        {
            var booked = tutor.OrderBy(h => h.Start).ToList();
            for (var i = 1; i < booked.Count; i++)
            {
                if (booked[i].Start < booked[i - 1].End) { broken.Add($"tutor {tutor.Key} has two booked slots overlapping at {booked[i].Start:O}"); }
            }
        }

        broken.AddRange(await PayoutLedgerProblemsAsync(platform, bookings));
        broken.Should().BeEmpty("the marketplace must be consistent once every saga has ended");
    }

    /// <summary>What is wrong with payments' earnings ledger and payouts, measured against booking's bookings.</summary>
    private static async Task<List<string>> PayoutLedgerProblemsAsync(PlatformFixture platform, List<BookingRow> bookings)
    {
        var ledger = await ReadAsync(platform, "payments",
            "SELECT id, tutor_id, booking_id, kind, amount, currency, booking_price FROM earnings_ledger",
            r => new LedgerRow(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetInt64(6)));
        var payouts = (await ReadAsync(platform, "payments",
            "SELECT id, tutor_id, status, amount, currency, transfer_id FROM payouts",
            r => new PayoutRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)))).ToDictionary(p => p.Id);
        var claims = await ReadAsync(platform, "payments", "SELECT payout_id, entry_id FROM payout_claims", r => new ClaimRow(r.GetGuid(0), r.GetGuid(1)));
        var bookingById = bookings.ToDictionary(b => b.Id);

        var broken = new List<string>();
        foreach (var earning in ledger.Where(e => e.Kind == "Earning"))
        {
            if (!bookingById.TryGetValue(earning.BookingId, out var booking) || booking.Status != "Completed")
            {
                broken.Add($"earning {earning.Id} is for booking {earning.BookingId}, which is {booking?.Status ?? "missing"}, not completed");
            }
            else if (booking.Price != earning.BookingPrice)
            {
                broken.Add($"earning {earning.Id} was computed from a price of {earning.BookingPrice}, booking {earning.BookingId} costs {booking.Price}");
            }
        }

        var completed = payouts.Values.Where(p => p.Status == "Completed").ToDictionary(p => p.Id);
        var entries = ledger.ToDictionary(e => e.Id);
        foreach (var twice in claims.Where(c => completed.ContainsKey(c.PayoutId)).GroupBy(c => c.EntryId).Where(g => g.Count() > 1))
        {
            broken.Add($"ledger entry {twice.Key} (booking {entries.GetValueOrDefault(twice.Key)?.BookingId}) was paid out by {twice.Count()} payouts");
        }

        foreach (var payout in completed.Values)
        {
            var settled = claims.Where(c => c.PayoutId == payout.Id).Select(c => entries[c.EntryId]).ToList();
            if (payout.TransferId is null) { broken.Add($"payout {payout.Id} is completed without a transfer"); }
            if (settled.Count == 0 || settled.Sum(e => e.Amount) != payout.Amount || settled.Any(e => e.TutorId != payout.TutorId || e.Currency != payout.Currency))
            {
                broken.Add($"payout {payout.Id} transferred {payout.Amount} {payout.Currency} but settles {settled.Count} entries worth {settled.Sum(e => e.Amount)}");
            }
        }

        foreach (var tutor in ledger.GroupBy(e => (e.TutorId, e.Currency)))
        {
            var net = tutor.Sum(e => e.Amount);
            var transferred = completed.Values.Where(p => p.TutorId == tutor.Key.TutorId && p.Currency == tutor.Key.Currency).Sum(p => p.Amount);
            if (transferred > net)
            {
                broken.Add($"tutor {tutor.Key.TutorId} was transferred {transferred} {tutor.Key.Currency}, more than earned less reversals and clawbacks ({net})");
            }
        }

        return broken;
    }

    private static async Task<List<T>> ReadAsync<T>(PlatformFixture platform, string appId, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString(appId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) { rows.Add(read(reader)); }
        return rows;
    }
}
