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
}
