using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

/// <summary>
/// <c>plan.changed</c> → the owner's analytics entitlements (history kept, anomaly alerts). Idempotent through the inbox
/// (CloudEvent id); an event whose version is not above the stored one changes nothing (events may arrive twice or out of order).
/// </summary>
public sealed class PlanChangedReceived(AnalyticsDbContext db, Inbox<AnalyticsDbContext> inbox)
{
    public const string Consumer = "analytics.plan-changed";
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
        // An event without the owner, the plan or these entitlements can never be applied: dropped (dead-lettered), not retried.
        if (data.OwnerId == Guid.Empty || string.IsNullOrWhiteSpace(data.Plan)
            || data.Entitlements is not { HistoryDays: { } historyDays and >= 1, AnomalyAlerts: { } anomalyAlerts })
        {
            return SubscriberStatus.Drop;
        }

        var announced = new AnalyticsAllowance(data.Plan, historyDays, data.LiftedBy?.HistoryDays, anomalyAlerts);
        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            // Locked so two changes for one owner apply one after the other; two first ones meet on the primary key (and are retried).
            var plan = await db.OwnerPlans.FromSql($"SELECT * FROM owner_plans WHERE owner_id = {data.OwnerId} FOR UPDATE").SingleOrDefaultAsync(token);
            if (plan is null)
            {
                plan = OwnerPlan.For(data.OwnerId);
                db.OwnerPlans.Add(plan);
            }

            plan.Apply(announced, data.Version, data.ChangedAt);
        }, ct);
        return SubscriberStatus.Success;
    }
}
