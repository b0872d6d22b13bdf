namespace DaprPlatform.Payments.Infrastructure;

/// <summary>Configuration section "Payments:Payouts": how earnings are computed and when a balance is worth a transfer.</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Payments:Payouts";

    /// <summary>The platform's share of a booking's price, in percent (0..100); the tutor earns the rest (<see cref="Domain.EarningRules"/>).</summary>
    public decimal PlatformFeePercent { get; set; } = 15m;

    /// <summary>The smallest balance paid out, in minor units of its currency; a smaller one is skipped and carried forward.</summary>
    public long MinimumAmount { get; set; } = 1000;

    /// <summary>The currency a payout with no entries at all is recorded in (it is skipped: there is nothing to pay).</summary>
    public string EmptyPayoutCurrency { get; set; } = "USD";

    /// <summary>The country of the tutors' Express accounts.</summary>
    public string AccountCountry { get; set; } = "US";
}
