using DaprPlatform.Payments.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Contracts;

/// <summary>
/// Data of <c>plan.changed</c> (the shared contract of issue 18): an owner's plan in force moved. Consumers keep the highest
/// <see cref="Version"/> per owner and ignore older or equal ones.
/// </summary>
/// <param name="Reason">subscribed, changed, canceled, downgraded or restored (<see cref="PlanChangeReasons"/>).</param>
public sealed record PlanChanged(
    Guid OwnerId,
    string Plan,
    string PreviousPlan,
    string Reason,
    PlanEntitlements Entitlements,
    PlanLimitsLiftedBy LiftedBy,
    long Version,
    DateTimeOffset ChangedAt)
{
    public const string Topic = PlatformTopics.PlanChanged;

    /// <summary>The event of the account's last move (<see cref="BillingAccount.MoveTo"/>) to <paramref name="plan"/>.</summary>
    public static PlanChanged Of(BillingAccount account, Plan plan, string previousPlan, string reason, PlanCatalogue catalogue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(catalogue);
        return new(account.OwnerId, plan.Code, previousPlan, reason, plan.Entitlements, catalogue.LiftedBy(plan), account.PlanVersion, DomainIds.ToMicroseconds(now));
    }
}
