using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using DowngradeAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.DunningSubscriptionState>,
    DaprPlatform.ServiceDefaults.NotFoundProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <summary>What the dunning saga reads of a subscription (and what its downgrade answers).</summary>
/// <param name="Plan">The owner's plan in force.</param>
public sealed record DunningSubscriptionState(string SubscriptionId, Guid OwnerId, string Status, string SubscribedPlan, string Plan, DateTimeOffset? GraceUntil, string? DunningInvoiceId);

/// <summary>
/// The dunning saga's steps at payments (invocation only, the workflows app only): read a subscription's status, and the
/// downgrade at the grace period's end — the subscription canceled at Stripe at once, the plan in force set to free and
/// plan.changed "downgraded" published in the same transaction. Idempotent: a subscription that has ended already is
/// answered as it is, with no second event; one that is active again (the renewal was paid) is refused with 409.
/// </summary>
public static class DunningSteps
{
    public static void Map(RouteGroupBuilder steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        steps.MapGet("/{id}", GetAsync).WithName("GetSubscriptionForDunning");
        steps.MapPost("/{id}/downgrade", DowngradeAsync).WithName("DowngradeSubscription")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Results<Ok<DunningSubscriptionState>, NotFoundProblem>> GetAsync(string id, PaymentsDbContext db, PlanCatalogue catalogue, CancellationToken ct)
    {
        var subscription = await db.PlanSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var account = await db.BillingAccounts.AsNoTracking().SingleAsync(a => a.OwnerId == subscription.OwnerId, ct);
        return TypedResults.Ok(State(subscription, account, catalogue));
    }

    public static async Task<DowngradeAnswer> DowngradeAsync(
        string id, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, Outbox<PaymentsDbContext> outbox, TimeProvider time, CancellationToken ct)
    {
        var subscription = await db.PlanSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return NotFound(id);
        }

        if (subscription.Status is PlanSubscriptionStatuses.Active or PlanSubscriptionStatuses.Trialing)
        {
            return Problems.Conflict("The subscription is active again: the renewal was paid, so there is nothing to downgrade.");
        }

        if (!subscription.IsTerminal)
        {
            if (stripe.ApiKey is null)
            {
                return StripeProblems.NotConfigured();
            }

            try
            {
                await stripe.V1.Subscriptions.CancelAsync(id, cancellationToken: ct);
            }
            catch (StripeException e) when (!e.IsUpstreamFailure())
            {
                // Stripe refused the cancel: fine when it has ended the subscription already (its own retry schedule ran
                // out and the deleted webhook is on its way); anything else is Stripe's answer to pass on.
                if (!await EndedAtStripeAsync(stripe, id, ct))
                {
                    return StripeProblems.From(e);
                }
            }
            catch (StripeException e)
            {
                return StripeProblems.From(e);
            }
            catch (Exception e) when (StripeProblems.IsUnreachable(e, ct))
            {
                return StripeProblems.Unreachable(e);
            }
        }

        return await db.RetryConcurrentChangeAsync(async Task<DowngradeAnswer> (CancellationToken token) =>
        {
            var now = time.GetUtcNow();
            var row = await db.PlanSubscriptions.SingleAsync(s => s.Id == id, token);
            var account = await db.BillingAccounts.SingleAsync(a => a.OwnerId == row.OwnerId, token);
            row.MarkCanceled(now);
            await SubscriptionSync.SettlePlanAsync(db, catalogue, outbox, account, PlanChangeReasons.Downgraded, now, token);
            await db.SaveChangesAsync(token);
            return TypedResults.Ok(State(row, account, catalogue));
        }, () => Problems.Conflict("The subscription kept changing; try again."), ct);
    }

    private static async Task<bool> EndedAtStripeAsync(StripeClient stripe, string id, CancellationToken ct)
    {
        try
        {
            var current = await stripe.V1.Subscriptions.GetAsync(id, cancellationToken: ct);
            return PlanSubscriptionStatuses.IsTerminal(current.Status);
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            return true;
        }
    }

    private static DunningSubscriptionState State(PlanSubscription subscription, BillingAccount account, PlanCatalogue catalogue) =>
        new(subscription.Id, subscription.OwnerId, subscription.Status, subscription.Plan, catalogue.InForce(account.Plan).Code, subscription.GraceUntil, subscription.DunningInvoiceId);

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"There is no subscription {(id.Length <= 64 ? id : id[..64])}.");
}
