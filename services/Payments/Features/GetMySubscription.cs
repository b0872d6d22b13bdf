using System.Security.Claims;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Features;

/// <summary>
/// GET /api/subscriptions/mine — the plan in force, its entitlements and the current subscription as Stripe last stated it
/// (the newest that has not ended, else the newest). An owner who never subscribed is on the free plan.
/// </summary>
public static class GetMySubscription
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/mine", HandleAsync).WithName("GetMySubscription");

    public static async Task<Ok<SubscriptionResponse>> HandleAsync(ClaimsPrincipal user, PaymentsDbContext db, PlanCatalogue catalogue, CancellationToken ct)
    {
        var ownerId = user.GetUserId();
        var account = await db.BillingAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.OwnerId == ownerId, ct);
        var subscription = await db.PlanSubscriptions.AsNoTracking()
            .Where(s => s.OwnerId == ownerId)
            .OrderBy(s => s.Status == PlanSubscriptionStatuses.Canceled || s.Status == PlanSubscriptionStatuses.IncompleteExpired)
            .ThenByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(ct);
        return TypedResults.Ok(SubscriptionResponse.From(catalogue, account, subscription));
    }
}
