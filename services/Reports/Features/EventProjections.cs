using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Contracts;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>
/// <c>plan.changed</c> → the owner's export limit. Idempotent on the CloudEvent id (inbox), and only a higher version than the
/// one kept replaces it, so late or repeated events leave the newest plan in force.
/// </summary>
public sealed class PlanChangedProjection(ReportsDbContext db, Inbox<ReportsDbContext> inbox)
{
    public const string Consumer = "reports.plan-changed";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<PlanChanged> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.OwnerId == Guid.Empty || string.IsNullOrWhiteSpace(data.Plan) || data.Plan.Trim().Length > OwnerPlan.MaxPlanLength
            || data.Entitlements?.ExportsPerMonth is not ({ } exports and >= 0) || data.Version <= 0)
        {
            return SubscriberStatus.Drop;
        }

        var liftedBy = data.LiftedBy?.ExportsPerMonth is { Length: > 0 and <= OwnerPlan.MaxPlanLength } lifted ? lifted : null;
        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            var plan = await db.OwnerPlans.SingleOrDefaultAsync(p => p.OwnerId == data.OwnerId, token);
            if (plan is null)
            {
                plan = OwnerPlan.For(data.OwnerId);
                db.OwnerPlans.Add(plan);
            }

            plan.Apply(data.Plan.Trim(), exports, liftedBy, data.Version, data.ChangedAt);
        }, ct);
        return SubscriberStatus.Success;
    }
}

/// <summary>
/// <c>channel.removed</c> → every share link of the channel is revoked (dashboard and export links alike: a removed channel is
/// shown to no one). The owner keeps the exports themselves; they are their data.
/// </summary>
public sealed class ChannelRemovedProjection(ReportsDbContext db, Inbox<ReportsDbContext> inbox)
{
    public const string Consumer = "reports.channel-removed";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<ChannelRemoved> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.ChannelId == Guid.Empty)
        {
            return SubscriberStatus.Drop;
        }

        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            var links = await db.ShareLinks.Where(s => s.ChannelId == data.ChannelId && s.RevokedAt == null).ToListAsync(token);
            foreach (var link in links)
            {
                link.Revoke(data.RemovedAt);
            }
        }, ct);
        return SubscriberStatus.Success;
    }
}
