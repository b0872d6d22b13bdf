using System.Security.Claims;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>GET /api/reports/exports?channelId=&amp;page=&amp;pageSize= — the caller's exports (of one channel when given), newest first.</summary>
public static class ListExports
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListExports");

    public static async Task<Results<Ok<PagedResponse<ExportResponse>>, ValidationProblem>> HandleAsync(
        string? channelId, string? page, string? pageSize, ClaimsPrincipal user, ReportsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Guid? channel = null;
        if (!string.IsNullOrEmpty(channelId))
        {
            if (Guid.TryParse(channelId, out var parsed) && parsed != Guid.Empty) { channel = parsed; }
            else { errors.Add("channelId", "channelId must be a non-empty id."); }
        }

        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var ownerId = user.GetUserId();
        var query = db.Exports.AsNoTracking().Where(e => e.OwnerId == ownerId);
        if (channel is { } c)
        {
            query = query.Where(e => e.ChannelId == c);
        }

        var total = await query.CountAsync(ct);
        var items = await paging!.Apply(query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)).ToListAsync(ct);
        return TypedResults.Ok(new PagedResponse<ExportResponse>(items.Select(e => ExportResponse.Of(e)).ToList(), paging.Page, paging.PageSize, total));
    }
}
