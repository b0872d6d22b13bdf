namespace DaprPlatform.Channels.Domain;

/// <summary>
/// The channel limit of an owner's plan as payments last announced it (<c>plan.changed</c>). An owner without a row is on
/// the free plan of this service's configuration (section FreePlan).
/// </summary>
public sealed class OwnerPlan
{
    public const int MaxPlanLength = 32;

    private OwnerPlan()
    {
        Plan = string.Empty;
    }

    public Guid OwnerId { get; private set; }
    public string Plan { get; private set; }
    public int MaxChannels { get; private set; }
    public string? MaxChannelsLiftedBy { get; private set; }

    /// <summary>Payments' per-owner change counter: only a higher one replaces what is stored.</summary>
    public long Version { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public ChannelAllowance Allowance => new(Plan, MaxChannels, MaxChannelsLiftedBy);

    public static OwnerPlan For(Guid ownerId) => ownerId == Guid.Empty
        ? throw new ArgumentException("A plan belongs to an owner.", nameof(ownerId))
        : new OwnerPlan { OwnerId = ownerId, Version = long.MinValue };

    /// <summary>Takes the announced plan when its version is newer than the stored one; false for a stale or repeated one.</summary>
    public bool Apply(ChannelAllowance allowance, long version, DateTimeOffset changedAt)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        if (version <= Version)
        {
            return false;
        }

        Plan = allowance.Plan.Length <= MaxPlanLength ? allowance.Plan : allowance.Plan[..MaxPlanLength];
        MaxChannels = Math.Max(0, allowance.MaxChannels);
        MaxChannelsLiftedBy = allowance.LiftedBy is { Length: > MaxPlanLength } lifted ? lifted[..MaxPlanLength] : allowance.LiftedBy;
        Version = version;
        ChangedAt = changedAt;
        return true;
    }
}
