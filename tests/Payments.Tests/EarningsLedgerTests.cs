using DaprPlatform.TestSupport;
using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Tests;

/// <summary>The earnings ledger fed by booking.completed and payments' own payment.refunded: one earning per booking, refunds reversed once.</summary>
public sealed class EarningsLedgerTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    [Fact]
    public async Task A_completed_booking_earns_its_price_minus_the_platform_fee_once()
    {
        var tutorId = Guid.NewGuid();
        var bookingId = Guid.NewGuid();
        var eventId = Guid.NewGuid().ToString();

        (await fx.CompleteBookingAsync(bookingId, tutorId, 4500, eventId: eventId)).Should().Be("SUCCESS");
        (await fx.CompleteBookingAsync(bookingId, tutorId, 4500, eventId: eventId)).Should().Be("SUCCESS");
        (await fx.CompleteBookingAsync(bookingId, tutorId, 4500)).Should().Be("SUCCESS", "a re-publication under a new id is the same completion");

        // 15 % of 45.00 is 6.75: the tutor earns 38.25.
        (await fx.LedgerAsync(tutorId)).Should().Equal(("Earning", 3825L));
    }

    [Fact]
    public async Task A_refund_after_completion_reverses_the_same_share_of_the_earning_and_a_repeat_reverses_nothing_more()
    {
        var tutorId = Guid.NewGuid();
        var bookingId = Guid.NewGuid();
        var payment = await fx.PaidBookingAsync(bookingId, 4500);
        await fx.CompleteBookingAsync(bookingId, tutorId, 4500);

        var refunded = await fx.RefundAsync(payment, 1500);
        (await fx.DeliverRefundedAsync(refunded)).Should().Be("SUCCESS");
        (await fx.DeliverRefundedAsync(refunded)).Should().Be("SUCCESS");

        // A third of the price refunded takes back a third of 38.25: 12.75.
        (await fx.LedgerAsync(tutorId)).Should().Equal(("Earning", 3825L), ("Reversal", -1275L));
    }

    [Fact]
    public async Task A_refund_that_came_before_the_completion_is_reversed_when_the_earning_is_recorded()
    {
        var tutorId = Guid.NewGuid();
        var bookingId = Guid.NewGuid();
        var payment = await fx.PaidBookingAsync(bookingId, 4500);
        var refunded = await fx.RefundAsync(payment, 4500);
        (await fx.DeliverRefundedAsync(refunded)).Should().Be("SUCCESS");

        await fx.CompleteBookingAsync(bookingId, tutorId, 4500);

        (await fx.LedgerAsync(tutorId)).Should().Equal(("Earning", 3825L), ("Reversal", -3825L));
    }

    public static TheoryData<string, string> BadCompletions() => new()
    {
        { "no tutor", """{"bookingId":"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d","price":{"amount":4500,"currency":"USD"},"status":"completed","occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "no price", """{"bookingId":"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d","tutorId":"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b","status":"completed","occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "zero price", """{"bookingId":"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d","tutorId":"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b","price":{"amount":0,"currency":"USD"},"status":"completed","occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "unknown currency", """{"bookingId":"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d","tutorId":"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b","price":{"amount":4500,"currency":"XYZ"},"status":"completed","occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "not completed", """{"bookingId":"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d","tutorId":"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b","price":{"amount":4500,"currency":"USD"},"status":"cancelled","occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "not an object", "[]" },
    };

    [Theory]
    [MemberData(nameof(BadCompletions))]
    public async Task A_completion_that_cannot_be_an_earning_is_dropped_with_nothing_written(string name, string data)
    {
        var before = await fx.CountsAsync();
        using var sidecar = fx.Factory.CreateClient();

        var status = await sidecar.DeliverAsync("/events/booking-completed",
            CloudEventDelivery.Envelope(Guid.NewGuid().ToString(), System.Text.Json.JsonDocument.Parse(data).RootElement, "booking.completed", "booking"));

        status.Should().Be("DROP", name);
        (await fx.CountsAsync()).Should().Be(before, name);
    }

    [Theory]
    // price, fee %, fee (halves away from zero), earning
    [InlineData(4500, 15, 675, 3825)]
    [InlineData(4999, 15, 750, 4249)]
    [InlineData(10, 15, 2, 8)]
    [InlineData(333, 12.5, 42, 291)]
    [InlineData(4500, 0, 0, 4500)]
    [InlineData(4500, 100, 4500, 0)]
    public void The_fee_is_rounded_to_the_nearest_minor_unit_halves_away_from_zero(long price, decimal percent, long fee, long earning)
    {
        EarningRules.Fee(price, percent).Should().Be(fee);
        EarningRules.Earning(price, percent).Should().Be(earning);
    }

    [Theory]
    // earning, price, refunded so far, reversal due
    [InlineData(3825, 4500, 0, 0)]
    [InlineData(3825, 4500, 1500, 1275)]
    [InlineData(3825, 4500, 1, 1)]
    [InlineData(3825, 4500, 4499, 3824)]
    [InlineData(3825, 4500, 4500, 3825)]
    [InlineData(3825, 4500, 9000, 3825)]
    public void A_refund_reverses_its_share_of_the_earning_and_a_full_refund_all_of_it(long earning, long price, long refunded, long reversal) =>
        EarningRules.Reversal(earning, price, refunded).Should().Be(reversal);

    [Fact]
    public void A_reversal_is_only_what_the_refund_level_adds_and_a_paid_out_earning_is_clawed_back()
    {
        var now = DateTimeOffset.UtcNow;
        var earning = LedgerEntry.Earning(Guid.NewGuid(), Guid.NewGuid(), new Money(4500, Currency.Parse("USD")), 15m, now, now);

        var first = earning.ReverseFor(1500, 0, paidOut: false, now)!;
        var none = earning.ReverseFor(1500, 1275, paidOut: false, now);
        var rest = earning.ReverseFor(4500, 1275, paidOut: true, now)!;

        first.Kind.Should().Be(LedgerEntryKind.Reversal);
        first.Amount.Should().Be(-1275);
        none.Should().BeNull();
        rest.Kind.Should().Be(LedgerEntryKind.Clawback);
        rest.Amount.Should().Be(-2550);
        rest.RefundedTotal.Should().Be(4500);
    }
}
