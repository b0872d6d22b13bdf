using System.Security.Claims;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>GET /api/reports/shares?page=&amp;pageSize= — the caller's links, newest first, with view counts and revoked/expired flags.</summary>
public static class ListShares
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListShares");

    public static async Task<Results<Ok<PagedResponse<ShareResponse>>, ValidationProblem>> HandleAsync(
        string? page, string? pageSize, ClaimsPrincipal user, ReportsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var ownerId = user.GetUserId();
        var query = db.ShareLinks.AsNoTracking().Where(s => s.OwnerId == ownerId);
        var total = await query.CountAsync(ct);
        var items = await paging!.Apply(query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new PagedResponse<ShareResponse>(items.Select(s => ShareResponse.From(s, now)).ToList(), paging.Page, paging.PageSize, total));
    }
}
