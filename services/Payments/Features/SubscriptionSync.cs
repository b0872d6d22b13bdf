using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Plan = DaprPlatform.Payments.Domain.Plan;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// Brings plan subscriptions in line with Stripe's word (webhooks of subscriptions and invoices, API answers) and moves
/// the owner's plan in force when that changes it: one plan.changed through the outbox, in the caller's unit of work.
/// </summary>
public static class SubscriptionSync
{
    /// <summary>What a Stripe subscription says, with its price mapped to a plan of the catalogue; null when the price is none of ours.</summary>
    public static async Task<SubscriptionSnapshot?> SnapshotAsync(PaymentsDbContext db, PlanCatalogue catalogue, Subscription subscription, DateTimeOffset? at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(subscription);
        var item = subscription.Items?.Data?.FirstOrDefault();
        if (item?.Price is not { } price)
        {
            return null;
        }

        var plan = await PlanOfAsync(db, catalogue, price, ct);
        if (plan is null)
        {
            return null;
        }

        // In the pinned API version the period lives on the subscription's items.
        DateTimeOffset? periodEnd = item.CurrentPeriodEnd == default ? null : new DateTimeOffset(DateTime.SpecifyKind(item.CurrentPeriodEnd, DateTimeKind.Utc));
        return new SubscriptionSnapshot(subscription.Status, plan.Code, price.Id, item.Id, periodEnd, subscription.CancelAtPeriodEnd, at);
    }

    /// <summary>The plan a price sells: its metadata (set by the catalogue's sync), its lookup key, or the plan's current price.</summary>
    private static async Task<Plan?> PlanOfAsync(PaymentsDbContext db, PlanCatalogue catalogue, Price price, CancellationToken ct)
    {
        if (price.Metadata is not null && price.Metadata.TryGetValue("plan", out var code) && catalogue.Find(code) is { } byMetadata)
        {
            return byMetadata;
        }

        if (price.LookupKey is { } key && catalogue.Paid.FirstOrDefault(p => p.LookupKey == key) is { } byKey)
        {
            return byKey;
        }

        var known = await db.PlanPrices.AsNoTracking().SingleOrDefaultAsync(p => p.PriceId == price.Id, ct);
        return catalogue.Find(known?.PlanCode);
    }

    /// <summary>A customer.subscription.* event: the row (created when payments did not store it), the dunning saga, the plan.</summary>
    public static async Task<string> ApplySubscriptionAsync(
        PaymentsDbContext db, PlanCatalogue catalogue, DunningSagas dunning, Outbox<PaymentsDbContext> outbox, Subscription subscription, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var account = await db.BillingAccounts.SingleOrDefaultAsync(a => a.CustomerId == subscription.CustomerId, ct);
        if (account is null)
        {
            return "ignored";
        }

        var snapshot = await SnapshotAsync(db, catalogue, subscription, at, ct);
        if (snapshot is null)
        {
            return "ignored";
        }

        var row = await db.PlanSubscriptions.SingleOrDefaultAsync(s => s.Id == subscription.Id, ct);
        bool changed;
        if (row is null)
        {
            row = PlanSubscription.Start(subscription.Id, account.OwnerId, snapshot, now);
            db.PlanSubscriptions.Add(row);
            changed = true;
        }
        else
        {
            changed = row.Apply(snapshot, now);
        }

        changed |= await SettleDunningAsync(row, dunning, invoiceId: null, ct);
        changed |= await SettlePlanAsync(db, catalogue, outbox, account, PlanChangeReasons.Canceled, now, ct);
        return changed ? "applied" : "unchanged";
    }

    /// <summary>
    /// invoice.paid: a first or renewal invoice paid makes the subscription active (and tells a running dunning saga);
    /// invoice.payment_failed of a renewal makes it past_due and starts the dunning saga once per invoice.
    /// </summary>
    public static async Task<string> ApplyInvoiceAsync(
        PaymentsDbContext db, PlanCatalogue catalogue, DunningSagas dunning, Outbox<PaymentsDbContext> outbox, string type, Invoice invoice, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var subscriptionId = invoice.Parent?.SubscriptionDetails?.SubscriptionId;
        var row = subscriptionId is null ? null : await db.PlanSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (row is null)
        {
            return "ignored";
        }

        var account = await db.BillingAccounts.SingleAsync(a => a.OwnerId == row.OwnerId, ct);
        var changed = false;
        if (type == EventTypes.InvoicePaid)
        {
            if (row.Status is PlanSubscriptionStatuses.Incomplete or PlanSubscriptionStatuses.PastDue or PlanSubscriptionStatuses.Unpaid)
            {
                changed |= row.ApplyStatus(PlanSubscriptionStatuses.Active, at, now);
            }

            changed |= await SettleDunningAsync(row, dunning, invoice.Id, ct);
        }
        else if (invoice.BillingReason == "subscription_cycle" && !row.IsTerminal)
        {
            changed |= row.ApplyStatus(PlanSubscriptionStatuses.PastDue, at, now);
            if (row.Status == PlanSubscriptionStatuses.PastDue && row.DunningInvoiceId != invoice.Id)
            {
                var instanceId = PlanSubscription.DunningInstanceIdFor(row.Id, invoice.Id);
                var started = await dunning.StartAsync(instanceId, row.Id, row.OwnerId, invoice.Id, ct);
                changed |= row.BeginDunning(invoice.Id, instanceId, started.GraceUntil, now);
            }
        }

        changed |= await SettlePlanAsync(db, catalogue, outbox, account, PlanChangeReasons.Canceled, now, ct);
        return changed ? "applied" : "unchanged";
    }

    /// <summary>
    /// A dunning saga whose renewal was paid (the invoice itself, or the subscription active again) is told
    /// payment-recovered; one whose subscription ended is left to find that out at its downgrade (which is then a no-op).
    /// </summary>
    private static async Task<bool> SettleDunningAsync(PlanSubscription row, DunningSagas dunning, string? invoiceId, CancellationToken ct)
    {
        if (!row.IsDunning)
        {
            return false;
        }

        if (row.Status == PlanSubscriptionStatuses.Active || (invoiceId is not null && invoiceId == row.DunningInvoiceId))
        {
            await dunning.RaiseRecoveredAsync(row.DunningInstanceId!, row.DunningInvoiceId!, ct);
            row.EndDunning();
            return true;
        }

        if (row.IsTerminal)
        {
            row.EndDunning();
            return true;
        }

        return false;
    }

    /// <summary>
    /// The plan in force follows the owner's newest subscription that gives one (active, trialing, past_due), else the free
    /// plan; a move is one plan.changed with the account's next version, in this unit of work.
    /// </summary>
    public static async Task<bool> SettlePlanAsync(
        PaymentsDbContext db, PlanCatalogue catalogue, Outbox<PaymentsDbContext> outbox, BillingAccount account, string toFreeReason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(account);
        // Tracked rows come back as tracked (with this unit of work's changes); the filter is on the owner only.
        var subscriptions = await db.PlanSubscriptions.Where(s => s.OwnerId == account.OwnerId).ToListAsync(ct);
        subscriptions.AddRange(db.ChangeTracker.Entries<PlanSubscription>()
            .Where(e => e.State == EntityState.Added && e.Entity.OwnerId == account.OwnerId && !subscriptions.Contains(e.Entity))
            .Select(e => e.Entity));
        var giving = subscriptions.Where(s => PlanSubscriptionStatuses.GivesPlan(s.Status)).OrderByDescending(s => s.CreatedAt).FirstOrDefault();
        var plan = giving is null ? catalogue.Free : catalogue.InForce(giving.Plan);
        var moved = account.MoveTo(plan, catalogue.InForce(account.Plan).IsFree, toFreeReason, now);
        if (moved is not { } change)
        {
            return false;
        }

        outbox.Enqueue(PlanChanged.Topic, PlanChanged.Of(account, plan, change.Previous, change.Reason, catalogue, now));
        return true;
    }
}
