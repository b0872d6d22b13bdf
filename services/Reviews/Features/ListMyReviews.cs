using System.Security.Claims;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

public sealed record MyReviewsResponse(IReadOnlyList<ReviewResponse> Items, string? NextCursor);

/// <summary>
/// GET /api/reviews/mine?cursor=&amp;limit= — a student's own reviews, newest first, a page at a time with the same cursor
/// as a tutor's list (<c>sort=newest</c>); hidden ones included (their author sees them), deleted ones not (gone for everyone).
/// </summary>
public static class ListMyReviews
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/mine", HandleAsync).WithName("ListMyReviews");

    public static async Task<Results<Ok<MyReviewsResponse>, ValidationProblem, ForbiddenProblem>> HandleAsync(
        string? cursor,
        string? limit,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Student))
        {
            return Problems.Forbidden("Only students write reviews; a tutor's are at /api/reviews/tutor/{tutorId}.");
        }

        var errors = new ValidationErrors();
        var page = ReviewPage.TryRead(ReviewOrder.Newest, cursor, limit, errors);
        if (page is null)
        {
            return errors.ToProblem();
        }

        var me = user.GetUserId();
        var mine = db.Reviews.AsNoTracking().Where(r => r.StudentId == me && r.State != ReviewState.Deleted);
        var (items, next) = page.Cut(await page.Select(mine).ToListAsync(ct));
        return TypedResults.Ok(new MyReviewsResponse(items.Select(ReviewResponse.From).ToList(), next));
    }
}
