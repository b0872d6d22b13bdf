using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Tutors;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Plans;

/// <summary>What a plan gives (payments' <c>PlanEntitlements</c>, the limits of <c>plan.changed</c>).</summary>
public sealed record PlanEntitlements(int MaxChannels, int HistoryDays, bool AnomalyAlerts, int ExportsPerMonth);

/// <summary>A plan of the catalogue as <c>GET /api/plans</c> answers it (payments' <c>PlanResponse</c>), cheapest first.</summary>
public sealed record PlanOffer(string Code, string Name, MoneyAmount Price, string Interval, PlanEntitlements Entitlements)
{
    public bool IsFree => Price.Amount == 0;
}

/// <summary>
/// The owner's plan in force and current subscription as Stripe last stated it (payments' <c>SubscriptionResponse</c>).
/// <see cref="Plan"/> moves only when Stripe's webhooks confirm; <see cref="SubscribedPlan"/> is what the subscription is for.
/// </summary>
public sealed record MySubscription(
    string Plan,
    string? SubscriptionId,
    string? Status,
    string? SubscribedPlan,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    DateTimeOffset? GraceUntil,
    PlanEntitlements Entitlements,
    long Version)
{
    /// <summary>A subscription that has not ended (payments refuses a second one while it lives).</summary>
    public bool HasLiveSubscription => Status is not (null or SubscriptionStatuses.Canceled or SubscriptionStatuses.IncompleteExpired);
}

/// <summary>The answer to a subscribe or plan change: Stripe's status at that moment, not yet the plan in force.</summary>
public sealed record SubscriptionAccepted(string SubscriptionId, string Plan, string Status);

/// <summary>Stripe's subscription statuses the page tells apart.</summary>
public static class SubscriptionStatuses
{
    public const string Incomplete = "incomplete";
    public const string IncompleteExpired = "incomplete_expired";
    public const string Trialing = "trialing";
    public const string Active = "active";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";
}

/// <summary>The plans page's calls to payments, as the signed-in owner.</summary>
public sealed class PlansClient(ServiceCalls services)
{
    public const string AppId = "payments";

    /// <summary>
    /// The test cards a past-due owner can give (no Stripe.js offline): the booking page's, plus a second good card and
    /// Stripe's card that attaches and then declines every charge (pm_card_chargeCustomerFail, 4000000000000341).
    /// </summary>
    public static IReadOnlyList<TestCard> CardUpdateTestCards { get; } =
    [
        .. BookingClient.TestCards,
        new("pm_card_mastercard", "Mastercard (succeeds)"),
        new("pm_card_chargeCustomerFail", "Card that is accepted, then declines the charge"),
    ];

    public Task<ApiResult<List<PlanOffer>>> CatalogueAsync(CancellationToken ct) =>
        services.GetAsync<List<PlanOffer>>(AppId, "api/plans", ct);

    public Task<ApiResult<MySubscription>> MineAsync(CancellationToken ct) =>
        services.GetAsync<MySubscription>(AppId, "api/subscriptions/mine", ct);

    public Task<ApiResult<SubscriptionAccepted>> SubscribeAsync(string plan, string paymentMethod, CancellationToken ct) =>
        services.SendAsync<SubscriptionAccepted>(HttpMethod.Post, AppId, "api/subscriptions", new { plan, paymentMethod }, ct);

    public Task<ApiResult<SubscriptionAccepted>> ChangePlanAsync(string plan, CancellationToken ct) =>
        services.SendAsync<SubscriptionAccepted>(HttpMethod.Put, AppId, "api/subscriptions/mine/plan", new { plan }, ct);

    /// <summary>
    /// Gives the subscription a new card; a past-due one's unpaid invoice is charged to it now. payments answers the
    /// subscription as Stripe states it after that attempt; a declined card is a 402 problem with Stripe's decline code.
    /// </summary>
    public Task<ApiResult<MySubscription>> UpdatePaymentMethodAsync(string paymentMethodId, CancellationToken ct) =>
        services.SendAsync<MySubscription>(HttpMethod.Put, AppId, "api/subscriptions/mine/payment-method", new { paymentMethodId }, ct);

    /// <summary>Cancel at the period's end (<paramref name="cancel"/>) or resume; payments answers the subscription as Stripe now states it.</summary>
    public Task<ApiResult<MySubscription>> SetCancelAtPeriodEndAsync(bool cancel, CancellationToken ct) =>
        services.SendAsync<MySubscription>(HttpMethod.Post, AppId, cancel ? "api/subscriptions/mine/cancel" : "api/subscriptions/mine/resume", body: null, ct);
}
