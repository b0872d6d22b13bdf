using System.Text.Json;

namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>
/// The members of the plan-limit problem every service answers when a plan's limit is reached (issue 18's contract):
/// <see cref="Limit"/> is an entitlement name (maxChannels, historyDays, anomalyAlerts, exportsPerMonth), <see cref="LiftedBy"/>
/// the cheapest plan that lifts it, or null when none does.
/// </summary>
public sealed record PlanLimit(string Limit, string Plan, long? Allowed, string? LiftedBy)
{
    public const string ProblemType = "https://daprplatform.dev/problems/plan-limit";

    /// <summary>The plan-limit members of a problem body, or null when it is another problem.</summary>
    public static PlanLimit? Read(JsonElement problem)
    {
        if (!problem.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != ProblemType
            || !problem.TryGetProperty("limit", out var limit) || limit.ValueKind != JsonValueKind.String
            || !problem.TryGetProperty("plan", out var plan) || plan.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        long? allowed = problem.TryGetProperty("allowed", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt64(out var n) ? n : null;
        var liftedBy = problem.TryGetProperty("liftedBy", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        return new PlanLimit(limit.GetString()!, plan.GetString()!, allowed, liftedBy);
    }
}
