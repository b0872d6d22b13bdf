namespace DaprPlatform.Reports.Domain;

/// <summary>
/// reports' projection of payments' <c>plan.changed</c>: the owner's plan and the one limit reports enforces. Owners without a
/// row are on the free plan as configured in <c>FreePlan</c> (a mirror of payments' catalogue, ADR 0030).
/// </summary>
public sealed class OwnerPlan
{
    public const int MaxPlanLength = 32;

    public Guid OwnerId { get; set; }

    public string Plan { get; set; } = string.Empty;

    public int ExportsPerMonth { get; set; }

    /// <summary>The cheapest plan allowing more exports; null when none does.</summary>
    public string? ExportsLiftedBy { get; set; }

    /// <summary>payments' per-owner version: only a higher one replaces what is kept (events may arrive late or twice).</summary>
    public long Version { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Applies a change when it is newer than the one kept; false when it is stale.</summary>
    public bool Apply(string plan, int exportsPerMonth, string? liftedBy, long version, DateTimeOffset changedAt)
    {
        if (version <= Version)
        {
            return false;
        }

        (Plan, ExportsPerMonth, ExportsLiftedBy, Version, ChangedAt) = (plan, exportsPerMonth, liftedBy, version, changedAt);
        return true;
    }
}

/// <summary>The export limit in force for an owner, with who sets it.</summary>
public sealed record ExportEntitlement(string Plan, int ExportsPerMonth, string? LiftedBy);
