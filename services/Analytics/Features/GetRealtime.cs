using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Analytics.Features;

/// <summary>GET /api/analytics/channels/{id}/realtime?minutes=60 — per-minute metrics of the last 1–1440 minutes.</summary>
public static class GetRealtime
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/realtime", HandleAsync).WithName("GetChannelRealtime");

    public static async Task<Results<Ok<RealtimeResponse>, ValidationProblem, NotFoundProblem, PlanLimitProblem, UnavailableProblem>> HandleAsync(Guid id, string? minutes, ClaimsPrincipal user, AnalyticsDbContext db, OwnerPlans plans, ChannelMetricsActors actors, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var window = ChannelReadAccess.ParseMinutes(minutes, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await ChannelReadAccess.FindReadableAsync(db, id, user, ct) is not { } channel)
        {
            return ChannelReadAccess.NotFound(id);
        }

        // At most 24 hours: within every plan of the catalogue, but a plan is free to keep less.
        if (await plans.RefuseHistoryAsync(channel.OwnerId, (window + 59) / 60, ct) is { } refusal)
        {
            return refusal;
        }

        try
        {
            var view = await actors.For(id).GetRealtimeAsync(window);
            return TypedResults.Ok(RealtimeResponse.Of(id, view));
        }
        catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
        {
            return ChannelReadAccess.MetricsUnavailable();
        }
    }
}
