using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

public static class ChannelAnalyticsApi
{
    public static IEndpointRouteBuilder MapChannelAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/analytics/channels/{id:guid}").RequireAuthorization().WithTags("Analytics");
        GetRealtime.Map(api);
        GetSummary.Map(api);
        GetInsights.Map(api);
        WatchLive.Map(api);
        GetForecast.Map(api);
        GetBestTime.Map(api);
        return app;
    }
}

/// <summary>Who may read a channel's analytics, and the shared answers of the read endpoints.</summary>
public static class ChannelReadAccess
{
    /// <summary>The channel when the caller owns it or is an admin; null otherwise (answered as 404 so ids cannot be probed).</summary>
    public static async Task<TrackedChannel?> FindReadableAsync(AnalyticsDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return channel is not null && channel.IsReadableBy(user.GetUserId(), user.IsAdmin()) ? channel : null;
    }

    public static NotFoundProblem NotFound(Guid id) => Problems.NotFound($"Channel {id} was not found.");

    public static UnavailableProblem MetricsUnavailable() => Problems.Unavailable("The channel's metrics could not be reached; try again shortly.");

    public static bool IsActorUnavailable(Exception ex) => ChannelMetricsActors.IsUnavailable(ex);

    /// <summary>Parses ?minutes= (default 60, 1–1440) into a field error when invalid.</summary>
    public static int ParseMinutes(string? raw, ValidationErrors errors)
    {
        const int fallback = 60;
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes < 1 || minutes > ChannelMetricsAggregate.MinuteSlots)
        {
            errors.Add("minutes", $"minutes must be a whole number from 1 to {ChannelMetricsAggregate.MinuteSlots}.");
            return fallback;
        }

        return minutes;
    }
}
