using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Channels.Features;

/// <summary>
/// Configuration section "FreePlan": the channel limit of an owner payments never announced a plan for. A mirror of the
/// free plan in payments' catalogue (section Plans there), kept here so channels decides without asking payments (ADR 0030).
/// </summary>
public sealed class FreePlanOptions
{
    public const string SectionName = "FreePlan";

    public string Plan { get; set; } = "free";

    public int MaxChannels { get; set; } = 1;

    public FreePlanLiftedBy LiftedBy { get; set; } = new();

    public bool IsValid => !string.IsNullOrWhiteSpace(Plan) && MaxChannels >= 0;
}

/// <summary>The cheapest plan with a higher limit, as in <c>plan.changed</c>'s liftedBy.</summary>
public sealed class FreePlanLiftedBy
{
    public string? MaxChannels { get; set; } = "pro";
}

/// <summary>
/// An owner's channel slots: their plan's allowance and which of their channels are active under it. Every change of the
/// count (a registration, a removal, a plan change) runs inside a transaction holding the owner's advisory lock, so two of
/// them never decide on the same count.
/// </summary>
public sealed class OwnerChannelSlots(ChannelsDbContext db, Outbox<ChannelsDbContext> outbox, IOptions<FreePlanOptions> freePlan)
{
    /// <summary>Serialises the owner's slot changes until the current transaction ends (there must be one).</summary>
    public async Task LockAsync(Guid ownerId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An owner's channel slots are locked inside a transaction.");
        }

        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"channel-slots:" + ownerId}, 0))", ct);
    }

    public async Task<ChannelAllowance> AllowanceAsync(Guid ownerId, CancellationToken ct)
    {
        var plan = await db.OwnerPlans.AsNoTracking().SingleOrDefaultAsync(p => p.OwnerId == ownerId, ct);
        if (plan is not null)
        {
            return plan.Allowance;
        }

        var free = freePlan.Value;
        return new ChannelAllowance(free.Plan, free.MaxChannels, free.LiftedBy.MaxChannels);
    }

    public Task<int> ActiveCountAsync(Guid ownerId, CancellationToken ct) =>
        db.Channels.CountAsync(c => c.OwnerId == ownerId && c.PausedReason == null, ct);

    /// <summary>
    /// Pauses the owner's channels beyond <paramref name="allowance"/> and resumes plan-paused ones within it (tracked
    /// changes plus one <c>channel.paused</c> / <c>channel.resumed</c> each in the outbox; the caller saves). Nothing is deleted.
    /// </summary>
    public async Task ReconcileAsync(Guid ownerId, ChannelAllowance allowance, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(allowance);
        var owned = await db.Channels
            .Where(c => c.OwnerId == ownerId)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .ToListAsync(ct);
        var (toPause, toResume) = allowance.Reconcile(owned.Where(c => db.Entry(c).State != EntityState.Deleted).ToList());
        foreach (var channel in toPause)
        {
            channel.Pause(Channel.PlanLimitReason, now);
            outbox.Enqueue(ChannelPaused.Topic, new ChannelPaused(channel.Id, ownerId, channel.Title, Channel.PlanLimitReason, allowance.Plan, now));
        }

        foreach (var channel in toResume)
        {
            channel.Resume();
            outbox.Enqueue(ChannelResumed.Topic, new ChannelResumed(channel.Id, ownerId, channel.Title, Channel.PlanLimitReason, allowance.Plan, now));
        }
    }
}
