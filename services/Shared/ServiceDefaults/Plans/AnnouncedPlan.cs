using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// A consumer's local copy of an owner's plan as payments last announced it in <c>plan.changed</c> (ADR 0030). Each service
/// derives the entitlements it enforces; what they share is the rule that only a higher per-owner version replaces the
/// copy, because the events may arrive twice or out of order.
/// </summary>
public abstract class AnnouncedPlan
{
    public const int MaxPlanLength = 32;

    protected AnnouncedPlan(Guid ownerId)
    {
        if (ownerId == Guid.Empty)
        {
            throw new ArgumentException("A plan belongs to an owner.", nameof(ownerId));
        }

        OwnerId = ownerId;
        Plan = string.Empty;
        Version = long.MinValue;
    }

    public Guid OwnerId { get; private set; }

    /// <summary>The plan's code in payments' catalogue (free, pro, business).</summary>
    public string Plan { get; private set; }

    /// <summary>Payments' per-owner change counter.</summary>
    public long Version { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    /// <summary>Takes the plan's name and version when <paramref name="version"/> is above the stored one; false (nothing changes) otherwise.</summary>
    protected bool Advance(string plan, long version, DateTimeOffset changedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(plan);
        if (version <= Version)
        {
            return false;
        }

        Plan = Fit(plan)!;
        Version = version;
        ChangedAt = changedAt;
        return true;
    }

    /// <summary>A plan code cut to the column's length: the codes come from another service's configuration.</summary>
    protected static string? Fit(string? plan) => plan is { Length: > MaxPlanLength } ? plan[..MaxPlanLength] : plan;
}

public static class AnnouncedPlanModelBuilderExtensions
{
    /// <summary>Table <c>owner_plans</c>, keyed by the owner, with the columns every announced plan has; the entitlements are the caller's.</summary>
    public static EntityTypeBuilder<TPlan> ConfigureAnnouncedPlan<TPlan>(this EntityTypeBuilder<TPlan> e)
        where TPlan : AnnouncedPlan
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("owner_plans");
        e.HasKey(p => p.OwnerId).HasName("pk_owner_plans");
        e.Property(p => p.OwnerId).HasColumnName("owner_id").ValueGeneratedNever();
        e.Property(p => p.Plan).HasColumnName("plan").HasMaxLength(AnnouncedPlan.MaxPlanLength);
        e.Property(p => p.Version).HasColumnName("version");
        e.Property(p => p.ChangedAt).HasColumnName("changed_at");
        return e;
    }
}
