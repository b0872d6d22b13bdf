using System.Globalization;
using DaprPlatform.Notifications.Contracts;

namespace DaprPlatform.Notifications.Domain;

/// <summary>What a tutor is told about a payout of their earnings.</summary>
public static class PayoutMessages
{
    public const string InitiatedKind = "payout-initiated";
    public const string CompletedKind = "payout-completed";
    public const string FailedKind = "payout-failed";

    public static IReadOnlyList<PartyMessage> Initiated(PayoutChanged payout)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var amount = MarketplaceMessages.Format(payout.Amount);
        return [new(payout.TutorId, InitiatedKind, $"Payout of {amount} on its way", $"Your earnings for {Period(payout)} ({amount}) are being transferred to your payout account.")];
    }

    public static IReadOnlyList<PartyMessage> Completed(PayoutChanged payout)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var amount = MarketplaceMessages.Format(payout.Amount);
        return [new(payout.TutorId, CompletedKind, $"Paid out: {amount}", $"{amount} for {Period(payout)} was transferred to your payout account.")];
    }

    public static IReadOnlyList<PartyMessage> Failed(PayoutChanged payout)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var amount = MarketplaceMessages.Format(payout.Amount);
        var why = string.IsNullOrWhiteSpace(payout.FailureReason) ? "the transfer was refused" : payout.FailureReason;
        return [new(payout.TutorId, FailedKind, $"Payout of {amount} failed", $"Your payout for {Period(payout)} did not go through: {why}. The amount stays in your balance and is paid with your next payout.")];
    }

    private static string Period(PayoutChanged payout) => string.Create(CultureInfo.InvariantCulture,
        $"{payout.PeriodStart.UtcDateTime:d MMM yyyy HH:mm} – {payout.PeriodEnd.UtcDateTime:d MMM yyyy HH:mm} UTC");
}
