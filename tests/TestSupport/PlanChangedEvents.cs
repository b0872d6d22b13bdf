namespace DaprPlatform.TestSupport;

/// <summary>
/// <c>plan.changed</c> data as payments publishes it (issue 18's contract), with the catalogue's values for free / pro /
/// business, for tests of the services that consume it.
/// </summary>
public static class PlanChangedEvents
{
    public const string Topic = "plan.changed";

    public static object Data(Guid ownerId, string plan, long version, string reason = "changed", string? previousPlan = null)
    {
        var (maxChannels, historyDays, alerts, exports, liftedBy) = plan switch
        {
            "free" => (1, 7, false, 3, (string?)"pro"),
            "pro" => (5, 90, true, 30, "business"),
            "business" => (25, 365, true, 300, null),
            _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "Not a plan of the catalogue."),
        };
        return new
        {
            ownerId,
            plan,
            previousPlan,
            reason,
            entitlements = new { maxChannels, historyDays, anomalyAlerts = alerts, exportsPerMonth = exports },
            liftedBy = new { maxChannels = liftedBy, historyDays = liftedBy, anomalyAlerts = plan == "free" ? "pro" : null, exportsPerMonth = liftedBy },
            version,
            changedAt = DateTimeOffset.UtcNow,
        };
    }
}
