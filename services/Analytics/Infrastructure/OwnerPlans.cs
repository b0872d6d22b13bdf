using DaprPlatform.Analytics.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>
/// Configuration section "FreePlan": analytics' entitlements for an owner payments never announced a plan for. A mirror of
/// the free plan in payments' catalogue (section Plans there), kept here so analytics decides without asking payments (ADR 0030).
/// </summary>
public sealed class FreePlanOptions
{
    public const string SectionName = "FreePlan";

    public string Plan { get; set; } = "free";

    public int HistoryDays { get; set; } = 7;

    public bool AnomalyAlerts { get; set; }

    public FreePlanLiftedBy LiftedBy { get; set; } = new();

    public bool IsValid => !string.IsNullOrWhiteSpace(Plan) && HistoryDays >= 1;
}

/// <summary>The cheapest plan with a higher limit, as in <c>plan.changed</c>'s liftedBy.</summary>
public sealed class FreePlanLiftedBy
{
    public string? HistoryDays { get; set; } = "pro";
}

/// <summary>An owner's analytics entitlements: the announced plan, or the configured free plan.</summary>
public sealed class OwnerPlans(AnalyticsDbContext db, IOptions<FreePlanOptions> freePlan)
{
    public async Task<AnalyticsAllowance> AllowanceAsync(Guid ownerId, CancellationToken ct)
    {
        var plan = await db.OwnerPlans.AsNoTracking().SingleOrDefaultAsync(p => p.OwnerId == ownerId, ct);
        if (plan is not null)
        {
            return plan.Allowance;
        }

        var free = freePlan.Value;
        return new AnalyticsAllowance(free.Plan, free.HistoryDays, free.LiftedBy.HistoryDays, free.AnomalyAlerts);
    }

    /// <summary>The 402 plan-limit problem when a read reaching <paramref name="hours"/> back is older than the owner's plan keeps; null when it is within.</summary>
    public async Task<PlanLimitProblem?> RefuseHistoryAsync(Guid ownerId, int hours, CancellationToken ct)
    {
        var allowance = await AllowanceAsync(ownerId, ct);
        return allowance.Covers(hours)
            ? null
            : new PlanLimitProblem("historyDays", allowance.Plan, allowance.HistoryDays, allowance.HistoryDaysLiftedBy, allowance.DescribeHistory());
    }
}
