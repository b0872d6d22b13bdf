using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// 402: the caller's plan does not allow this (issue 18's plan-limit problem). Besides the detail it names the limit
/// (an entitlement of <c>plan.changed</c>: maxChannels, historyDays, anomalyAlerts, exportsPerMonth), the caller's plan,
/// what that plan allows and the cheapest plan that lifts the limit (null when none does), so a client can offer the
/// upgrade without knowing the catalogue. Every service that enforces an entitlement answers with this one shape.
/// </summary>
public sealed class PlanLimitProblem(string limit, string plan, long allowed, string? liftedBy, string detail)
    : StatusProblem(StatusCodes.Status402PaymentRequired, ProblemTitle, detail, ProblemType, new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["limit"] = limit,
        ["plan"] = plan,
        ["allowed"] = allowed,
        ["liftedBy"] = liftedBy,
    }), IEndpointMetadataProvider
{
    public const string ProblemType = "https://daprplatform.dev/problems/plan-limit";
    public const string ProblemTitle = "Your plan's limit is reached.";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status402PaymentRequired);
}
