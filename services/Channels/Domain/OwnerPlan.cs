using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Channels.Domain;

/// <summary>
/// The channel limit of an owner's plan as payments last announced it (<c>plan.changed</c>). An owner without a row is on
/// the free plan of this service's configuration (section FreePlan).
/// </summary>
public sealed class OwnerPlan : AnnouncedPlan
{
    private OwnerPlan(Guid ownerId)
        : base(ownerId)
    {
    }

    public int MaxChannels { get; private set; }
    public string? MaxChannelsLiftedBy { get; private set; }

    public ChannelAllowance Allowance => new(Plan, MaxChannels, MaxChannelsLiftedBy);

    public static OwnerPlan For(Guid ownerId) => new(ownerId);

    /// <summary>Takes the announced plan when its version is newer than the stored one; false for a stale or repeated one.</summary>
    public bool Apply(ChannelAllowance allowance, long version, DateTimeOffset changedAt)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        if (!Advance(allowance.Plan, version, changedAt))
        {
            return false;
        }

        MaxChannels = Math.Max(0, allowance.MaxChannels);
        MaxChannelsLiftedBy = Fit(allowance.LiftedBy);
        return true;
    }
}
