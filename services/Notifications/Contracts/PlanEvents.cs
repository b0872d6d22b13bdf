namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of payments' <c>plan.changed</c> (issue 18's contract): what the owner is told about their plan.</summary>
/// <param name="Reason">subscribed, changed, canceled, downgraded or restored.</param>
/// <param name="Version">Payments' per-owner change counter: one notice per change, whatever its CloudEvent id.</param>
public sealed record PlanChanged(Guid OwnerId, string? Plan, string? PreviousPlan, string? Reason, PlanEntitlements? Entitlements, long Version);

public sealed record PlanEntitlements(int? MaxChannels, int? HistoryDays, bool? AnomalyAlerts, int? ExportsPerMonth);

/// <summary>Consumer-side copy of channels' <c>channel.paused</c> and <c>channel.resumed</c> (issue 18's contract).</summary>
/// <param name="Reason">Why it was paused (plan-limit: the owner's plan allows fewer channels).</param>
/// <param name="Plan">The owner's plan that paused it, or made room for it again.</param>
public sealed record ChannelPauseChanged(Guid ChannelId, Guid OwnerId, string? Title, string? Reason, string? Plan, DateTimeOffset At);
