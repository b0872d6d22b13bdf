using System.Security.Claims;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>DELETE /api/reports/shares/{id} — revokes the caller's link (204, again 204); anyone else's is 404.</summary>
public static class RevokeShare
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapDelete("/{id:guid}", HandleAsync).WithName("RevokeShare");

    public static async Task<Results<NoContent, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal user, ReportsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var ownerId = user.GetUserId();
        var link = await db.ShareLinks.SingleOrDefaultAsync(s => s.Id == id && s.OwnerId == ownerId, ct);
        if (link is null)
        {
            return ReportProblems.ShareNotFound(id);
        }

        link.Revoke(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
