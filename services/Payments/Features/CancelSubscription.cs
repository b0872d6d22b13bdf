using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using RenewalAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<DaprPlatform.Payments.Features.SubscriptionResponse>,
    DaprPlatform.ServiceDefaults.NotFoundProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// POST /api/subscriptions/mine/cancel and /resume — set or clear Stripe's <c>cancel_at_period_end</c>. The plan stays in
/// force until Stripe ends the subscription at the period's end (customer.subscription.deleted → plan.changed "canceled").
/// Stripe's answer is stored at once (it is Stripe's word, and it does not move the plan). 404 without a subscription; 409
/// when it is not active or is already ending (cancel) / not ending (resume).
/// </summary>
public static class CancelSubscription
{
    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/mine/cancel", (ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, TimeProvider time, CancellationToken ct) =>
            SetAsync(cancel: true, user, db, stripe, catalogue, time, ct))
            .WithName("CancelSubscription")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/mine/resume", (ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, TimeProvider time, CancellationToken ct) =>
            SetAsync(cancel: false, user, db, stripe, catalogue, time, ct))
            .WithName("ResumeSubscription")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<RenewalAnswer> SetAsync(
        bool cancel, ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, TimeProvider time, CancellationToken ct)
    {
        var ownerId = user.GetUserId();
        var subscription = await SubscriptionAccess.CurrentAsync(db, ownerId, ct);
        if (subscription is null)
        {
            return SubscriptionAccess.NoSubscription();
        }

        if (subscription.Status is not (PlanSubscriptionStatuses.Active or PlanSubscriptionStatuses.Trialing or PlanSubscriptionStatuses.PastDue))
        {
            return Problems.Conflict($"A {subscription.Status} subscription cannot be {(cancel ? "canceled" : "resumed")}.");
        }

        if (subscription.CancelAtPeriodEnd == cancel)
        {
            return Problems.Conflict(cancel ? "The subscription already ends at the period's end." : "The subscription is not ending; there is nothing to resume.");
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        try
        {
            var updated = await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = cancel }, cancellationToken: ct);
            if (await SubscriptionSync.SnapshotAsync(db, catalogue, updated, at: null, ct) is { } snapshot)
            {
                // A webhook may update the row meanwhile: reread and apply again (Apply keeps whatever is newer).
                subscription = await db.RetryConcurrentChangeAsync(async token =>
                {
                    var row = await db.PlanSubscriptions.SingleAsync(s => s.Id == updated.Id, token);
                    row.Apply(snapshot, time.GetUtcNow());
                    await db.SaveChangesAsync(token);
                    return row;
                }, () => subscription, ct);
            }

            var account = await db.BillingAccounts.FindAsync([ownerId], ct);
            return TypedResults.Ok(SubscriptionResponse.From(catalogue, account, subscription));
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
}
