using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Features;

/// <summary>
/// <c>plan.changed</c> → the owner's channel limit, and their channels brought under it: on a downgrade the newest extras
/// are paused, on a rise plan-paused ones resume oldest first. Idempotent through the inbox (CloudEvent id); an event whose
/// version is not above the stored one changes nothing (events may arrive twice or out of order).
/// </summary>
public sealed class PlanChangedReceived(ChannelsDbContext db, Inbox<ChannelsDbContext> inbox, OwnerChannelSlots slots, TimeProvider time)
{
    public const string Consumer = "channels.plan-changed";
    public const string Route = "/events/plan-changed";

    public static IEndpointRouteBuilder MapSubscription(IEndpointRouteBuilder app)
    {
        app.MapTopic<PlanChanged, PlanChangedReceived>(Route, PlatformTopics.Subscription(PlatformTopics.PlanChanged), (h, e, ct) => h.HandleAsync(e, ct));
        return app;
    }

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<PlanChanged> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        // An event without the owner, the plan or the limit can never be applied: dropped (dead-lettered), not retried.
        if (data.OwnerId == Guid.Empty || string.IsNullOrWhiteSpace(data.Plan) || data.Entitlements?.MaxChannels is not { } maxChannels || maxChannels < 0)
        {
            return SubscriberStatus.Drop;
        }

        var announced = new ChannelAllowance(data.Plan, maxChannels, data.LiftedBy?.MaxChannels);
        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            await slots.LockAsync(data.OwnerId, token);
            var plan = await db.OwnerPlans.SingleOrDefaultAsync(p => p.OwnerId == data.OwnerId, token);
            if (plan is null)
            {
                plan = OwnerPlan.For(data.OwnerId);
                db.OwnerPlans.Add(plan);
            }

            if (plan.Apply(announced, data.Version, data.ChangedAt))
            {
                await slots.ReconcileAsync(data.OwnerId, plan.Allowance, time.GetUtcNow(), token);
            }
        }, ct);
        return SubscriberStatus.Success;
    }
}
