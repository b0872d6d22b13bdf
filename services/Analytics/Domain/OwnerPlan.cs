using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Analytics.Domain;

/// <summary>What an owner's plan lets analytics do for their channels, and which plan would let it do more (null: none).</summary>
public sealed record AnalyticsAllowance(string Plan, int HistoryDays, string? HistoryDaysLiftedBy, bool AnomalyAlerts)
{
    /// <summary>Whether a read reaching <paramref name="hours"/> back stays within the history the plan keeps.</summary>
    public bool Covers(int hours) => hours <= (long)HistoryDays * 24;

    public string DescribeHistory() => HistoryDays == 1 ? $"The {Plan} plan keeps 1 day of history." : $"The {Plan} plan keeps {HistoryDays} days of history.";
}

/// <summary>
/// The analytics entitlements of an owner's plan as payments last announced them (<c>plan.changed</c>). An owner without a
/// row is on the free plan of this service's configuration (section FreePlan).
/// </summary>
public sealed class OwnerPlan : AnnouncedPlan
{
    private OwnerPlan(Guid ownerId)
        : base(ownerId)
    {
    }

    public int HistoryDays { get; private set; }
    public string? HistoryDaysLiftedBy { get; private set; }
    public bool AnomalyAlerts { get; private set; }

    public AnalyticsAllowance Allowance => new(Plan, HistoryDays, HistoryDaysLiftedBy, AnomalyAlerts);

    public static OwnerPlan For(Guid ownerId) => new(ownerId);

    /// <summary>Takes the announced plan when its version is newer than the stored one; false for a stale or repeated one.</summary>
    public bool Apply(AnalyticsAllowance allowance, long version, DateTimeOffset changedAt)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        if (!Advance(allowance.Plan, version, changedAt))
        {
            return false;
        }

        HistoryDays = Math.Max(0, allowance.HistoryDays);
        HistoryDaysLiftedBy = Fit(allowance.HistoryDaysLiftedBy);
        AnomalyAlerts = allowance.AnomalyAlerts;
        return true;
    }
}
