using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reports.Domain;

/// <summary>
/// reports' projection of payments' <c>plan.changed</c>: the owner's plan and the one limit reports enforces. Owners without a
/// row are on the free plan as configured in <c>FreePlan</c> (a mirror of payments' catalogue, ADR 0030).
/// </summary>
public sealed class OwnerPlan : AnnouncedPlan
{
    private OwnerPlan(Guid ownerId)
        : base(ownerId)
    {
    }

    public int ExportsPerMonth { get; private set; }

    /// <summary>The cheapest plan allowing more exports; null when none does.</summary>
    public string? ExportsLiftedBy { get; private set; }

    public static OwnerPlan For(Guid ownerId) => new(ownerId);

    /// <summary>Applies a change when it is newer than the one kept; false when it is stale.</summary>
    public bool Apply(string plan, int exportsPerMonth, string? liftedBy, long version, DateTimeOffset changedAt)
    {
        if (!Advance(plan, version, changedAt))
        {
            return false;
        }

        (ExportsPerMonth, ExportsLiftedBy) = (exportsPerMonth, Fit(liftedBy));
        return true;
    }
}

/// <summary>The export limit in force for an owner, with who sets it.</summary>
public sealed record ExportEntitlement(string Plan, int ExportsPerMonth, string? LiftedBy);
