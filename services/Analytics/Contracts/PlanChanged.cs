namespace DaprPlatform.Analytics.Contracts;

/// <summary>
/// Consumer-side copy of payments' <c>plan.changed</c> (issue 18's contract), reduced to what analytics enforces: the
/// history kept and anomaly alerts. Other entitlements in the event are ignored.
/// </summary>
public sealed record PlanChanged(Guid OwnerId, string? Plan, AnalyticsEntitlements? Entitlements, AnalyticsLimitsLiftedBy? LiftedBy, long Version, DateTimeOffset ChangedAt);

public sealed record AnalyticsEntitlements(int? HistoryDays, bool? AnomalyAlerts);

public sealed record AnalyticsLimitsLiftedBy(string? HistoryDays);
