namespace DaprPlatform.Reports.Contracts;

/// <summary>The entitlements of <c>plan.changed</c> (payments; shared contract of issue 18); reports reads exportsPerMonth.</summary>
public sealed record PlanEntitlements(int? MaxChannels, int? HistoryDays, bool? AnomalyAlerts, int? ExportsPerMonth);

/// <summary>Which plan lifts each limit (null: none does).</summary>
public sealed record PlanLiftedBy(string? MaxChannels, string? HistoryDays, string? AnomalyAlerts, string? ExportsPerMonth);

/// <summary>Topic <c>plan.changed</c> from payments.</summary>
public sealed record PlanChanged(
    Guid OwnerId, string? Plan, string? PreviousPlan, string? Reason, PlanEntitlements? Entitlements, PlanLiftedBy? LiftedBy, long Version, DateTimeOffset ChangedAt);

/// <summary>Topic <c>channel.removed</c> from channels.</summary>
public sealed record ChannelRemoved(Guid ChannelId, DateTimeOffset RemovedAt);
