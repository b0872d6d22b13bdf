using System.Security.Claims;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Features;

/// <summary>
/// POST /api/reports/shares {channelId, kind: "dashboard", expiresAt, password?} — a read-only link to a channel's live summary.
/// analytics confirms the channel is the caller's (404 otherwise; 503 when it cannot be asked).
/// </summary>
public static class CreateDashboardShare
{
    public const string DashboardKind = "dashboard";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/", HandleAsync).WithName("CreateDashboardShare");

    public static async Task<Results<Created<ShareCreatedResponse>, ValidationProblem, NotFoundProblem, UnavailableProblem>> HandleAsync(
        CreateShareRequest? request, ClaimsPrincipal user, ReportsDbContext db, AnalyticsReader analytics, IOptions<ReportsOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{channelId, kind: \"dashboard\", expiresAt, password?}");
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var channelId = errors.RequireId("channelId", request.ChannelId);
        if (!string.Equals(request.Kind?.Trim(), DashboardKind, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("kind", "kind must be \"dashboard\" (an export is shared through POST /api/reports/exports/{id}/shares).");
        }

        var expiresAt = ShareLinks.CheckExpiryAndPassword(request, now, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var ownerId = user.GetUserId();
        try
        {
            await analytics.SummaryAsync(channelId!.Value, ownerId, ct);
        }
        catch (ChannelNotFoundException)
        {
            return ReportProblems.ChannelNotFound(channelId!.Value);
        }
        catch (HttpRequestException)
        {
            return Problems.Unavailable("analytics could not confirm the channel; try again shortly.");
        }

        var created = await ShareLinks.CreateAsync(db, options, ownerId, ShareKind.Dashboard, null, channelId.Value, expiresAt!.Value, request.Password, now, ct);
        return TypedResults.Created($"/api/reports/shares/{created.Id}", created);
    }
}
