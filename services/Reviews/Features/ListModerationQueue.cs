using System.Security.Claims;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

public sealed record FlagEntry(Guid UserId, string Reason, string? Note, DateTimeOffset FlaggedAt, bool Resolved);

public sealed record ModerationEntry(ReviewResponse Review, int OpenFlagCount, IReadOnlyList<FlagEntry> Flags);

/// <summary>
/// GET /api/reviews/moderation?page=&amp;pageSize= — admins: the reviews waiting for a decision (open flags) and the hidden
/// ones, most open flags first, then the longest waiting. Deleted reviews are never listed.
/// </summary>
public static class ListModerationQueue
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/moderation", HandleAsync).WithName("ListModerationQueue");

    public static async Task<Results<Ok<PagedResponse<ModerationEntry>>, ValidationProblem, ForbiddenProblem>> HandleAsync(
        string? page,
        string? pageSize,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        CancellationToken ct)
    {
        if (!user.IsAdmin())
        {
            return Problems.Forbidden("Only admins see the moderation queue.");
        }

        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors);
        if (paging is null)
        {
            return errors.ToProblem();
        }

        var queue = db.Reviews.AsNoTracking()
            .Where(r => r.State == ReviewState.Hidden || (r.State == ReviewState.Visible && r.Flags.Any(f => !f.Resolved)));
        var total = await queue.CountAsync(ct);
        var reviews = await paging.Apply(queue
                .OrderByDescending(r => r.Flags.Count(f => !f.Resolved))
                .ThenBy(r => r.Flags.Where(f => !f.Resolved).Min(f => (DateTimeOffset?)f.FlaggedAt))
                .ThenBy(r => r.Id))
            .Include(r => r.Flags)
            .ToListAsync(ct);
        var items = reviews.Select(r => new ModerationEntry(
                ReviewResponse.From(r),
                r.OpenFlagCount,
                r.Flags.OrderBy(f => f.FlaggedAt).Select(f => new FlagEntry(f.UserId, f.Reason.ToWireName(), f.Note, f.FlaggedAt, f.Resolved)).ToList()))
            .ToList();
        return TypedResults.Ok(new PagedResponse<ModerationEntry>(items, paging.Page, paging.PageSize, total));
    }
}
