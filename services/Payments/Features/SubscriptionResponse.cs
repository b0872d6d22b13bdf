using DaprPlatform.Monetary;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Features;

/// <summary>A plan of the catalogue as GET /api/plans shows it.</summary>
public sealed record PlanResponse(string Code, string Name, MoneyPayload Price, string Interval, PlanEntitlements Entitlements)
{
    public static PlanResponse From(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new(plan.Code, plan.Name, new MoneyPayload(plan.Amount, plan.Currency), Plan.MonthlyInterval, plan.Entitlements);
    }
}

/// <summary>
/// An owner's plan in force and their current subscription as Stripe last stated it.
/// </summary>
/// <param name="Plan">The plan in force (free without a subscription).</param>
/// <param name="Status">Stripe's status of the current subscription; null without one.</param>
/// <param name="SubscribedPlan">The plan the subscription is for (it differs from <paramref name="Plan"/> until Stripe confirms it).</param>
/// <param name="GraceUntil">While a renewal is unpaid: when the owner is downgraded unless it is paid.</param>
/// <param name="Version">plan.changed's version of the plan in force.</param>
/// <param name="TestClockId">Test mode only: the Stripe test clock of the owner's customer.</param>
public sealed record SubscriptionResponse(
    string Plan,
    string? SubscriptionId,
    string? Status,
    string? SubscribedPlan,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    DateTimeOffset? GraceUntil,
    PlanEntitlements Entitlements,
    long Version,
    string? TestClockId)
{
    public static SubscriptionResponse From(PlanCatalogue catalogue, BillingAccount? account, PlanSubscription? subscription)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var plan = account is null ? catalogue.Free : catalogue.InForce(account.Plan);
        return new(
            plan.Code,
            subscription?.Id,
            subscription?.Status,
            subscription?.Plan,
            subscription?.CurrentPeriodEnd,
            subscription?.CancelAtPeriodEnd ?? false,
            subscription?.GraceUntil,
            plan.Entitlements,
            account?.PlanVersion ?? 0,
            account?.TestClockId);
    }
}

/// <summary>The answer to a subscribe or plan change: Stripe's status now; the plan moves when Stripe's webhooks confirm it.</summary>
public sealed record SubscriptionAccepted(string SubscriptionId, string Plan, string Status);
