using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);

    private static Payment NewPayment(long amount = 4500) =>
        Payment.Create(Guid.NewGuid(), Guid.NewGuid(), new Money(amount, Currency.Usd), "Session", "booking-x", "pi_1", "pi_1_secret", "cus_1", Now);

    [Fact]
    public void Payment_id_is_derived_from_the_booking_so_a_retried_create_reuses_its_stripe_key()
    {
        var booking = Guid.NewGuid();

        Payment.IdFor(booking).Should().Be(Payment.IdFor(booking));
        Payment.IdFor(booking).Should().NotBe(Payment.IdFor(Guid.NewGuid()));
        Payment.IdFor(booking).Version.Should().Be(8);
        NewPayment().Status.Should().Be(PaymentStatus.RequiresPayment);
    }

    [Fact]
    public void Success_is_news_once()
    {
        var p = NewPayment();

        p.MarkSucceeded(Now).Should().BeTrue();
        p.MarkSucceeded(Now).Should().BeFalse();
        p.Status.Should().Be(PaymentStatus.Succeeded);
    }

    [Fact]
    public void A_late_failure_does_not_move_a_succeeded_payment_backwards()
    {
        var p = NewPayment();
        p.MarkSucceeded(Now);

        p.MarkFailed("card_declined", "late", Now).Should().BeFalse();
        p.MarkCanceled(Now).Should().BeFalse();
        p.MarkProcessing(Now).Should().BeFalse();

        p.Status.Should().Be(PaymentStatus.Succeeded);
        p.FailureCode.Should().BeNull();
    }

    [Fact]
    public void A_declined_payment_can_still_succeed_with_another_method_and_the_failure_clears()
    {
        var p = NewPayment();

        p.MarkFailed("generic_decline", "Your card was declined.", Now).Should().BeTrue();
        p.MarkFailed("generic_decline", "Your card was declined.", Now).Should().BeFalse("the confirm answer and the webhook report one decline");
        p.MarkFailed("insufficient_funds", "Your card has insufficient funds.", Now).Should().BeTrue("a second attempt failed differently");
        p.MarkSucceeded(Now).Should().BeTrue();

        p.FailureCode.Should().BeNull();
        p.FailureMessage.Should().BeNull();
    }

    [Fact]
    public void Canceled_is_final()
    {
        var p = NewPayment();
        p.MarkCanceled(Now).Should().BeTrue();

        p.MarkSucceeded(Now).Should().BeFalse();
        p.MarkFailed("x", null, Now).Should().BeFalse();
        p.Refundable.Should().Be(0);
        p.IsConfirmable.Should().BeFalse();
    }

    [Fact]
    public void Refunds_move_to_partially_refunded_then_refunded_and_never_exceed_the_amount()
    {
        var p = NewPayment(4500);
        p.MarkSucceeded(Now);

        p.RecordRefund(1000, Now).Should().BeTrue();
        p.Status.Should().Be(PaymentStatus.PartiallyRefunded);
        p.Refundable.Should().Be(3500);

        p.RecordRefund(3500, Now).Should().BeTrue();
        p.Status.Should().Be(PaymentStatus.Refunded);
        p.Refunded.Should().Be(4500);
        p.Refundable.Should().Be(0);
    }

    [Fact]
    public void Stripes_cumulative_refund_total_and_our_own_refunds_are_not_added_twice()
    {
        var p = NewPayment(4500);
        p.MarkSucceeded(Now);

        // The webhook for our refund can arrive before or after we record it; the total is what Stripe says.
        p.ApplyChargeRefunded(1000, Now).Should().BeTrue();
        p.RecordRefund(1000, Now).Should().BeFalse();
        p.Refunded.Should().Be(1000);

        p.ApplyChargeRefunded(500, Now).Should().BeFalse("an older, smaller total arriving late changes nothing");
        p.ApplyChargeRefunded(4500, Now).Should().BeTrue();
        p.Status.Should().Be(PaymentStatus.Refunded);
    }

    [Fact]
    public void A_refund_report_implies_the_payment_succeeded()
    {
        var p = NewPayment();

        p.ApplyChargeRefunded(1000, Now).Should().BeTrue();

        p.Status.Should().Be(PaymentStatus.PartiallyRefunded);
    }

    [Fact]
    public void Recording_a_refund_of_an_unpaid_payment_is_a_bug()
    {
        var p = NewPayment();

        var act = () => p.RecordRefund(100, Now);

        act.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(PaymentStatus.RequiresPayment, "requiresPayment")]
    [InlineData(PaymentStatus.PartiallyRefunded, "partiallyRefunded")]
    [InlineData(PaymentStatus.Canceled, "canceled")]
    public void Statuses_have_the_contract_spelling(PaymentStatus status, string wire)
    {
        status.WireName().Should().Be(wire);
    }
}
