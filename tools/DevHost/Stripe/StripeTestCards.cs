namespace DaprPlatform.DevHost.Stripe;

/// <summary>How a test card behaves when a PaymentIntent is confirmed with it; a null decline means it succeeds.</summary>
/// <param name="Code">The error's <c>code</c>: card_declined, expired_card, incorrect_cvc or processing_error.</param>
internal sealed record CardDecline(string Code, string DeclineCode, string Message);

/// <summary>A card behind a test PaymentMethod.</summary>
/// <param name="AttachSucceeds">
/// Whether attaching it to a customer succeeds: Stripe checks a card when it is attached, so the decline cards fail
/// there too — except 4000000000000341 (<c>pm_card_chargeCustomerFail</c>), which attaches and then declines every charge.
/// </param>
internal sealed record TestCard(string Brand, string Last4, string Funding, CardDecline? Decline, bool AttachSucceeds);

/// <summary>
/// Stripe's test PaymentMethods ("Testing": <c>pm_card_visa</c> and friends, declines by <c>pm_card_chargeDeclined*</c>).
/// Confirming with one of these names creates a new PaymentMethod (<c>pm_…</c>) for the card, as test mode does.
/// </summary>
internal static class StripeTestCards
{
    private static readonly CardDecline Generic = new("card_declined", "generic_decline", "Your card was declined.");

    private static readonly Dictionary<string, TestCard> Cards = new(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = new("visa", "4242", "credit", null, true),
        ["pm_card_visa_debit"] = new("visa", "5556", "debit", null, true),
        ["pm_card_mastercard"] = new("mastercard", "4444", "credit", null, true),
        ["pm_card_amex"] = new("amex", "8431", "credit", null, true),
        ["pm_card_chargeCustomerFail"] = new("visa", "0341", "credit", Generic, true),
        ["pm_card_chargeDeclined"] = new("visa", "0002", "credit", Generic, false),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("visa", "9995", "credit", new("card_declined", "insufficient_funds", "Your card has insufficient funds."), false),
        ["pm_card_chargeDeclinedLostCard"] = new("visa", "9987", "credit", Generic with { DeclineCode = "lost_card" }, false),
        ["pm_card_chargeDeclinedStolenCard"] = new("visa", "9979", "credit", Generic with { DeclineCode = "stolen_card" }, false),
        ["pm_card_chargeDeclinedFraudulent"] = new("visa", "0019", "credit", Generic with { DeclineCode = "fraudulent" }, false),
        ["pm_card_chargeDeclinedExpiredCard"] = new("visa", "0069", "credit", new("expired_card", "expired_card", "Your card has expired."), false),
        ["pm_card_chargeDeclinedIncorrectCvc"] = new("visa", "0127", "credit", new("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."), false),
        ["pm_card_chargeDeclinedProcessingError"] = new("visa", "0119", "credit", new("processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."), false),
    };

    /// <summary>The names Stripe's testing page gives the same cards under the brand ("pm_card_visa_chargeDeclined…").</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["pm_card_visa_chargeDeclined"] = "pm_card_chargeDeclined",
        ["pm_card_visa_chargeDeclinedInsufficientFunds"] = "pm_card_chargeDeclinedInsufficientFunds",
        ["pm_card_visa_chargeDeclinedLostCard"] = "pm_card_chargeDeclinedLostCard",
        ["pm_card_visa_chargeDeclinedStolenCard"] = "pm_card_chargeDeclinedStolenCard",
    };

    public static IEnumerable<string> Names => Cards.Keys;

    public static TestCard? Find(string name) => Cards.GetValueOrDefault(Aliases.GetValueOrDefault(name) ?? name);
}
