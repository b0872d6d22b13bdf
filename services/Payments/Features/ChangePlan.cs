using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stripe;
using ChangeAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<DaprPlatform.Payments.Features.SubscriptionAccepted>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    DaprPlatform.ServiceDefaults.NotFoundProblem,
    DaprPlatform.ServiceDefaults.ConflictProblem,
    DaprPlatform.ServiceDefaults.StatusProblem>;

namespace DaprPlatform.Payments.Features;

public sealed record ChangePlanRequest(string? Plan);

/// <summary>
/// PUT /api/subscriptions/mine/plan — switch the subscription's item to another paid plan's price (ADR 0029): an upgrade
/// takes effect now and is invoiced now (<c>proration_behavior=always_invoice</c>); a downgrade takes effect now with the
/// unused time credited to the next invoice (<c>create_prorations</c>) — no schedule to keep, no refund to make. The plan in
/// force moves when Stripe's customer.subscription.updated says so. 404 without a subscription; 409 when it is not active
/// (incomplete, past due, ending) or already on that plan.
/// </summary>
public static class ChangePlan
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPut("/mine/plan", HandleAsync)
            .WithName("ChangePlan")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static async Task<ChangeAnswer> HandleAsync(
        ChangePlanRequest? request, ClaimsPrincipal user, PaymentsDbContext db, StripeClient stripe, PlanCatalogue catalogue, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var plan = SubscriptionAccess.ReadPaidPlan(catalogue, request?.Plan, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var subscription = await SubscriptionAccess.CurrentAsync(db, user.GetUserId(), ct);
        if (subscription is null)
        {
            return SubscriptionAccess.NoSubscription();
        }

        if (subscription.Status is not (PlanSubscriptionStatuses.Active or PlanSubscriptionStatuses.Trialing))
        {
            return Problems.Conflict($"A {subscription.Status} subscription cannot change its plan{(subscription.Status == PlanSubscriptionStatuses.PastDue ? "; pay the unpaid invoice first" : string.Empty)}.");
        }

        if (subscription.CancelAtPeriodEnd)
        {
            return Problems.Conflict("The subscription ends at the period's end; resume it first (POST /api/subscriptions/mine/resume).");
        }

        if (subscription.Plan == plan!.Code)
        {
            return Problems.Conflict($"The subscription is on the {plan.Code} plan already.");
        }

        if (stripe.ApiKey is null)
        {
            return StripeProblems.NotConfigured();
        }

        var price = await db.PlanPrices.AsNoTracking().SingleOrDefaultAsync(p => p.PlanCode == plan.Code, ct);
        if (price is null)
        {
            return Problems.Unavailable($"The {plan.Code} plan is not on sale at Stripe yet; try again shortly.");
        }

        var upgrade = plan.Amount > catalogue.InForce(subscription.Plan).Amount;
        try
        {
            var updated = await stripe.V1.Subscriptions.UpdateAsync(
                subscription.Id,
                new SubscriptionUpdateOptions
                {
                    Items = [new SubscriptionItemOptions { Id = subscription.ItemId, Price = price.PriceId }],
                    ProrationBehavior = upgrade ? "always_invoice" : "create_prorations",
                    Metadata = new() { ["plan"] = plan.Code },
                },
                cancellationToken: ct);
            return TypedResults.Accepted("/api/subscriptions/mine", new SubscriptionAccepted(updated.Id, plan.Code, updated.Status));
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
