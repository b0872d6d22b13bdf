using System.Globalization;
using DaprPlatform.Notifications.Contracts;

namespace DaprPlatform.Notifications.Domain;

/// <summary>What a channel owner is told about their plan and about channels their plan paused or resumed.</summary>
public static class PlanMessages
{
    public const string PlanChangedKind = "plan-changed";
    public const string ChannelPausedKind = "channel-paused";
    public const string ChannelResumedKind = "channel-resumed";

    /// <summary>The new plan, worded by why it changed (none for an event that names no owner or plan).</summary>
    public static IReadOnlyList<PartyMessage> PlanChanged(PlanChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (string.IsNullOrWhiteSpace(change.Plan))
        {
            return [];
        }

        var plan = Name(change.Plan);
        var previous = string.IsNullOrWhiteSpace(change.PreviousPlan) ? "your previous" : $"the {Name(change.PreviousPlan)}";
        var includes = Includes(change.Entitlements);
        var (title, body) = change.Reason switch
        {
            "subscribed" => ($"Welcome to {plan}", $"Your {plan} subscription is active.{includes}"),
            "changed" => ($"Your plan is now {plan}", $"You moved from {previous} plan to {plan}.{includes}"),
            "canceled" => ($"Your subscription ended: you are on {plan}", $"Your subscription to {previous} plan ended, so your account is on the {plan} plan.{includes} Channels beyond its limit are paused, not deleted."),
            "downgraded" => ($"Payment overdue: moved to {plan}", $"We could not collect the payment for {previous} plan within the grace period, so your account is on the {plan} plan.{includes} Channels beyond its limit are paused, not deleted; subscribe again to resume them."),
            "restored" => ($"Your {plan} plan is restored", $"Your payment went through and your {plan} plan is back.{includes} Paused channels within its limit are active again."),
            _ => ($"Your plan is now {plan}", $"Your account is on the {plan} plan.{includes}"),
        };
        return [new(change.OwnerId, PlanChangedKind, title, body)];
    }

    public static IReadOnlyList<PartyMessage> ChannelPaused(ChannelPauseChanged paused)
    {
        ArgumentNullException.ThrowIfNull(paused);
        var channel = Channel(paused);
        var why = paused.Reason == "plan-limit" && !string.IsNullOrWhiteSpace(paused.Plan)
            ? $"your {Name(paused.Plan)} plan allows fewer channels than you have"
            : $"of {paused.Reason ?? "a limit"}";
        return [new(paused.OwnerId, ChannelPausedKind, $"Channel paused: {channel}",
            $"{channel} was paused because {why}. Its history is kept, but it takes no new metrics until you upgrade or remove another channel.")];
    }

    public static IReadOnlyList<PartyMessage> ChannelResumed(ChannelPauseChanged resumed)
    {
        ArgumentNullException.ThrowIfNull(resumed);
        var channel = Channel(resumed);
        var under = string.IsNullOrWhiteSpace(resumed.Plan) ? string.Empty : $" under your {Name(resumed.Plan)} plan";
        return [new(resumed.OwnerId, ChannelResumedKind, $"Channel resumed: {channel}", $"{channel} is active again{under} and takes new metrics.")];
    }

    private static string Channel(ChannelPauseChanged e) => string.IsNullOrWhiteSpace(e.Title) ? "Your channel" : e.Title.Trim();

    /// <summary>A plan code as a name: "pro" → "Pro".</summary>
    private static string Name(string code)
    {
        var trimmed = code.Trim();
        return trimmed.Length == 0 ? trimmed : char.ToUpperInvariant(trimmed[0]) + trimmed[1..];
    }

    private static string Includes(PlanEntitlements? e)
    {
        if (e is null)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        if (e.MaxChannels is { } channels)
        {
            parts.Add(channels == 1 ? "1 channel" : string.Create(CultureInfo.InvariantCulture, $"up to {channels} channels"));
        }

        if (e.HistoryDays is { } days)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{days} days of history"));
        }

        if (e.AnomalyAlerts is { } alerts)
        {
            parts.Add(alerts ? "anomaly alerts" : "no anomaly alerts");
        }

        if (e.ExportsPerMonth is { } exports)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{exports} report exports a month"));
        }

        return parts.Count == 0 ? string.Empty : $" It includes {string.Join(", ", parts)}.";
    }
}
