using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// What must hold across tutoring, booking and payments whenever no saga is in flight, read straight from the three
/// databases (each service owns its own): a confirmed booking has a succeeded payment and a booked slot; a succeeded
/// payment has a confirmed booking; a cancelled booking leaves no payment open or kept; a refund on a booking is the refund
/// on its payment; no slot is booked twice.
/// </summary>
public static class MarketplaceInvariants
{
    private sealed record BookingRow(Guid Id, string Status, Guid? PaymentId, long? RefundAmount, Guid TutorId, DateTimeOffset Start, DateTimeOffset End);

    private sealed record PaymentRow(Guid Id, Guid BookingId, string Status, long Amount, long Refunded);

    private sealed record HoldRow(Guid BookingId, Guid TutorId, string Status, DateTimeOffset Start, DateTimeOffset End);

    public static async Task AssertHoldAsync(PlatformFixture platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var bookings = await ReadAsync(platform, "booking",
            "SELECT id, status, payment_id, refund_amount, tutor_id, start_at, end_at FROM bookings",
            r => new BookingRow(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetGuid(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)));
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

        broken.Should().BeEmpty("the marketplace must be consistent once every saga has ended");
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
