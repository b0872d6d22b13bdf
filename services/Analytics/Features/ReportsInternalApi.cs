using System.Globalization;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

/// <summary>One hour of a channel's rollups: every counter (zero when not reported) and the hour's last subscriber count.</summary>
public sealed record HourlyMetricsResponse(DateTimeOffset Hour, long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves, long? Subscribers);

public sealed record HourlySeriesResponse(Guid ChannelId, string Title, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HourlyMetricsResponse> Hours);

/// <summary>The channel's 24-hour summary with its title, for a shared dashboard (no owner, no chat id).</summary>
public sealed record ChannelSummaryResponse(
    Guid ChannelId, string Title, string Period, DateTimeOffset From, DateTimeOffset To, TotalsResponse Totals, long? Subscribers,
    long SubscriberGrowth, double EngagementRate, double PostsPerDay);

/// <summary>
/// Invocation-only reads for the reports app (by the sidecar-stamped caller id): a channel's hourly rollups for an export, and
/// its live summary for a shared dashboard. Both are checked against the owner reports names: a channel that is unknown,
/// removed or not that owner's is 404, so reports can never read another owner's channel.
/// </summary>
public static class ReportsInternalApi
{
    public const string Caller = "reports";

    /// <summary>One call answers at most a month of hours (reports pages through longer periods).</summary>
    public const int MaxHoursPerCall = 31 * 24;

    public static IEndpointRouteBuilder MapReportsInternalApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/internal/analytics/channels/{id:guid}").RequireSidecarCaller(Caller);
        channels.MapGet("/hourly", HourlyAsync);
        channels.MapGet("/summary", SummaryAsync);
        return app;
    }

    public static async Task<Results<Ok<HourlySeriesResponse>, ValidationProblem, NotFoundProblem>> HourlyAsync(
        Guid id, string? from, string? to, string? ownerId, AnalyticsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var owner = ParseOwner(ownerId, errors);
        var start = ParseHour("from", from, errors);
        var end = ParseHour("to", to, errors);
        if (errors.IsEmpty && (end <= start || end - start > TimeSpan.FromHours(MaxHoursPerCall)))
        {
            errors.Add("to", $"to must be after from and at most {MaxHoursPerCall} hours later.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await OwnedChannelAsync(db, id, owner, ct) is not { } channel)
        {
            return ChannelReadAccess.NotFound(id);
        }

        var rows = await db.HourlyRollups.AsNoTracking()
            .Where(r => r.ChannelId == id && r.Hour >= start && r.Hour < end)
            .ToListAsync(ct);
        var hours = rows.GroupBy(r => r.Hour).OrderBy(g => g.Key).Select(g =>
        {
            long Total(string kind) => g.FirstOrDefault(r => r.Kind == kind)?.Total ?? 0;
            return new HourlyMetricsResponse(g.Key, Total("views"), Total("reactions"), Total("forwards"), Total("posts"), Total("joins"), Total("leaves"),
                g.FirstOrDefault(r => r.Kind == "subscribers")?.Total);
        }).ToList();
        return TypedResults.Ok(new HourlySeriesResponse(id, channel.Title, start, end, hours));
    }

    public static async Task<Results<Ok<ChannelSummaryResponse>, ValidationProblem, NotFoundProblem, UnavailableProblem>> SummaryAsync(
        Guid id, string? ownerId, AnalyticsDbContext db, ChannelMetricsActors actors, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var owner = ParseOwner(ownerId, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await OwnedChannelAsync(db, id, owner, ct) is not { } channel)
        {
            return ChannelReadAccess.NotFound(id);
        }

        try
        {
            var view = await actors.For(id).GetSummaryAsync(24);
            var summary = SummaryResponse.Of(id, "24h", view);
            return TypedResults.Ok(new ChannelSummaryResponse(id, channel.Title, summary.Period, summary.From, summary.To, summary.Totals, summary.Subscribers,
                summary.SubscriberGrowth, summary.EngagementRate, summary.PostsPerDay));
        }
        catch (Exception ex) when (ChannelReadAccess.IsActorUnavailable(ex))
        {
            return ChannelReadAccess.MetricsUnavailable();
        }
    }

    private static async Task<TrackedChannel?> OwnedChannelAsync(AnalyticsDbContext db, Guid id, Guid ownerId, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return channel is not null && channel.IsReadableBy(ownerId, isAdmin: false) ? channel : null;
    }

    private static Guid ParseOwner(string? raw, ValidationErrors errors)
    {
        if (Guid.TryParse(raw, out var owner) && owner != Guid.Empty) { return owner; }
        errors.Add("ownerId", "ownerId is required (the channel owner's user id).");
        return Guid.Empty;
    }

    private static DateTimeOffset ParseHour(string field, string? raw, ValidationErrors errors)
    {
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) { return at.ToUniversalTime(); }
        errors.Add(field, $"{field} is required (an ISO 8601 instant).");
        return default;
    }
}
