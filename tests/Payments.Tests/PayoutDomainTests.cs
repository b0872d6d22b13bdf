namespace DaprPlatform.Payments.Tests;

/// <summary>Payout rules without I/O.</summary>
public sealed class PayoutDomainTests
{
    private static readonly Guid Tutor = Guid.Parse("0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b");
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(7);

    private static DaprPlatform.Payments.Domain.Payout Open(long amount) =>
        DaprPlatform.Payments.Domain.Payout.Open(Tutor, Start, End, new DaprPlatform.Monetary.Money(amount, DaprPlatform.Monetary.Currency.Parse("USD")), 1000, Start);

    [Fact]
    public void Tutor_and_period_name_the_payout_and_its_transfer_key()
    {
        DaprPlatform.Payments.Domain.Payout.TransferKeyFor(Tutor, Start, End).Should().Be("payout-0b5a4e0c2f7d4d6c8b1e3c2d1f0e9a8b-20261130T000000Z-20261207T000000Z");
        Open(5000).Id.Should().Be(DaprPlatform.Payments.Domain.Payout.IdFor(Tutor, Start, End)).And.NotBe(DaprPlatform.Payments.Domain.Payout.IdFor(Tutor, Start, End.AddDays(1)));
    }

    [Theory]
    [InlineData(999, "Skipped")]
    [InlineData(1000, "Pending")]
    [InlineData(0, "Skipped")]
    [InlineData(-500, "Skipped")]
    public void A_balance_below_the_minimum_is_skipped(long amount, string status) => Open(amount).Status.ToString().Should().Be(status);

    [Fact]
    public void A_pending_payout_is_decided_once()
    {
        var completed = Open(5000);
        var failed = Open(5000);

        completed.Complete("tr_1", Start).Should().BeTrue();
        completed.Fail("late refusal", Start).Should().BeFalse();
        completed.Complete("tr_2", Start).Should().BeFalse();
        failed.Fail("balance_insufficient", Start).Should().BeTrue();
        failed.Complete("tr_3", Start).Should().BeFalse();

        completed.TransferId.Should().Be("tr_1");
        failed.Status.ToString().Should().Be("Failed");
        Open(500).Complete("tr_4", Start).Should().BeFalse("a skipped payout transfers nothing");
    }

    [Fact]
    public void A_period_must_be_utc_and_end_after_it_starts()
    {
        DaprPlatform.Payments.Domain.Payout.PeriodProblem(Start, Start).Should().NotBeNull();
        DaprPlatform.Payments.Domain.Payout.PeriodProblem(Start, Start.AddDays(-1)).Should().NotBeNull();
        DaprPlatform.Payments.Domain.Payout.PeriodProblem(Start.ToOffset(TimeSpan.FromHours(1)), End).Should().NotBeNull();
        DaprPlatform.Payments.Domain.Payout.PeriodProblem(Start, End).Should().BeNull();
    }
}
