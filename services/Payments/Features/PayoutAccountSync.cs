using DaprPlatform.Payments.Domain;
using Stripe;

namespace DaprPlatform.Payments.Features;

/// <summary>A tutor's payout account as the API shows it. <paramref name="Status"/>: pending (onboarding unfinished) or enabled.</summary>
public sealed record PayoutAccountResponse(
    string AccountId, string Status, bool DetailsSubmitted, bool PayoutsEnabled, string? OnboardingUrl, DateTimeOffset? OnboardingExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PayoutAccountResponse From(PayoutAccount account, AccountLink? link = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(
            account.StripeAccountId,
            account.IsEnabled ? "enabled" : "pending",
            account.DetailsSubmitted,
            account.PayoutsEnabled,
            link?.Url,
            link is null ? null : new DateTimeOffset(DateTime.SpecifyKind(link.ExpiresAt, DateTimeKind.Utc)),
            account.CreatedAt,
            account.UpdatedAt);
    }
}

/// <summary>Brings a payout account in line with Stripe's Account object (a retrieve or an <c>account.updated</c> event).</summary>
public static class PayoutAccountSync
{
    /// <returns>True when the account changed.</returns>
    public static bool Apply(PayoutAccount account, Account stripeAccount, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(stripeAccount);
        return account.Apply(stripeAccount.DetailsSubmitted, stripeAccount.PayoutsEnabled, stripeAccount.Capabilities?.Transfers == "active", now);
    }

}
