using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Features;

/// <summary>The owner's export limit (their projected plan, else the configured free plan) and what they used this month.</summary>
public sealed class ExportQuotas(ReportsDbContext db, IOptionsSnapshot<FreePlanOptions> freePlan)
{
    public async Task<ExportEntitlement> EntitlementAsync(Guid ownerId, CancellationToken ct)
    {
        var plan = await db.OwnerPlans.AsNoTracking().SingleOrDefaultAsync(p => p.OwnerId == ownerId, ct);
        var free = freePlan.Value;
        return plan is null
            ? new ExportEntitlement(free.Plan, free.ExportsPerMonth, free.ExportsPerMonthLiftedBy)
            : new ExportEntitlement(plan.Plan, plan.ExportsPerMonth, plan.ExportsLiftedBy);
    }

    /// <summary>Exports started in the calendar month (UTC) of <paramref name="now"/> that did not fail.</summary>
    public Task<int> UsedAsync(Guid ownerId, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = ExportQuota.MonthOf(now);
        return db.Exports.CountAsync(e => e.OwnerId == ownerId && e.CreatedAt >= start && e.CreatedAt < end && e.Status != ExportStatus.Failed, ct);
    }
}
