using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Infrastructure;

namespace DaprPlatform.Analytics.Features;

/// <summary>GET /api/analytics/channels/{id}/insights — views trend (least squares), best posting hours, recent anomalies.</summary>
public static class GetInsights
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/insights", HandleAsync).WithName("GetChannelInsights");

    public static async Task<Results<Ok<InsightsResponse>, NotFoundProblem, UnavailableProblem>> HandleAsync(Guid id, ClaimsPrincipal user, AnalyticsDbContext db, ChannelMetricsActors actors, CancellationToken ct)
    {
        if (await ChannelReadAccess.FindReadableAsync(db, id, user, ct) is null)
        {
            return ChannelReadAccess.NotFound(id);
        }

        try
        {
            var view = await actors.For(id).GetInsightsAsync();
            return TypedResults.Ok(InsightsResponse.Of(id, view));
        }
        catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
        {
            return ChannelReadAccess.MetricsUnavailable();
        }
    }
}
