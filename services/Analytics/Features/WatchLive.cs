using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Features;

/// <summary>
/// GET /api/analytics/channels/{id}/live?minutes=60 — Server-Sent Events: a <c>realtime</c> event with the realtime view
/// whenever it changes. The actor is polled once a second; the stream ends when the client disconnects.
/// </summary>
public static class WatchLive
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/live", HandleAsync).WithName("WatchChannelLive");

    public static async Task<Results<EmptyHttpResult, ValidationProblem, NotFoundProblem, UnavailableProblem>> HandleAsync(
        Guid id,
        string? minutes,
        ClaimsPrincipal user,
        AnalyticsDbContext db,
        ChannelMetricsActors actors,
        TimeProvider time,
        IOptions<JsonOptions> json,
        HttpContext context)
    {
        var ct = context.RequestAborted;
        var errors = new ValidationErrors();
        var window = ChannelReadAccess.ParseMinutes(minutes, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await ChannelReadAccess.FindReadableAsync(db, id, user, ct) is null)
        {
            return ChannelReadAccess.NotFound(id);
        }

        var metrics = actors.For(id);
        RealtimeResponse first;
        try
        {
            first = RealtimeResponse.Of(id, await metrics.GetRealtimeAsync(window));
        }
        catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
        {
            return ChannelReadAccess.MetricsUnavailable();
        }

        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var options = json.Value.SerializerOptions;
        string? lastSent = null;
        var current = first;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // "to" moves every poll; only a change in the data itself is worth an event.
                var fingerprint = JsonSerializer.Serialize(current with { To = default }, options);
                if (fingerprint != lastSent)
                {
                    lastSent = fingerprint;
                    await context.Response.WriteAsync($"event: realtime\ndata: {JsonSerializer.Serialize(current, options)}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }

                await Task.Delay(PollInterval, time, ct);
                try
                {
                    current = RealtimeResponse.Of(id, await metrics.GetRealtimeAsync(window));
                }
                catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
                {
                    // A momentary sidecar hiccup keeps the stream open; the next poll tries again.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }

        return TypedResults.Empty;
    }
}
