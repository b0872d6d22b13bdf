using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Analytics.Features;

/// <summary>
/// GET /api/analytics/channels/{id}/summary?period=24h|7d|30d — totals and derived metrics from hourly buckets. A period
/// older than the channel owner's plan keeps (historyDays) is a 402 plan-limit problem.
/// </summary>
public static class GetSummary
{
    private static readonly Dictionary<string, int> HoursByPeriod = new(StringComparer.Ordinal)
    {
        ["24h"] = 24,
        ["7d"] = 7 * 24,
        ["30d"] = 30 * 24,
    };

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/summary", HandleAsync).WithName("GetChannelSummary");

    public static async Task<Results<Ok<SummaryResponse>, ValidationProblem, NotFoundProblem, PlanLimitProblem, UnavailableProblem>> HandleAsync(Guid id, string? period, ClaimsPrincipal user, AnalyticsDbContext db, OwnerPlans plans, ChannelMetricsActors actors, CancellationToken ct)
    {
        var chosen = string.IsNullOrEmpty(period) ? "24h" : period;
        if (!HoursByPeriod.TryGetValue(chosen, out var hours))
        {
            var errors = new ValidationErrors();
            errors.Add("period", "period must be one of 24h, 7d, 30d.");
            return errors.ToProblem();
        }

        if (await ChannelReadAccess.FindReadableAsync(db, id, user, ct) is not { } channel)
        {
            return ChannelReadAccess.NotFound(id);
        }

        if (await plans.RefuseHistoryAsync(channel.OwnerId, hours, ct) is { } refusal)
        {
            return refusal;
        }

        try
        {
            var view = await actors.For(id).GetSummaryAsync(hours);
            return TypedResults.Ok(SummaryResponse.Of(id, chosen, view));
        }
        catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
        {
            return ChannelReadAccess.MetricsUnavailable();
        }
    }
}
