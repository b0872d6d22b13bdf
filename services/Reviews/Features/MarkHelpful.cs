using System.Security.Claims;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

public sealed record HelpfulResponse(Guid ReviewId, int HelpfulCount, bool MarkedByMe);

/// <summary>
/// POST /api/reviews/{id}/helpful marks a review helpful, DELETE takes the mark back: one mark per signed-in user (both are
/// idempotent: repeating one answers the same), not on one's own review. The count orders <c>sort=helpful</c>; it is not a
/// change of the review, so no new version and no event.
/// </summary>
public static class MarkHelpful
{
    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/{id:guid}/helpful", (Guid id, ClaimsPrincipal user, ReviewsDbContext db, TimeProvider time, CancellationToken ct) =>
            SetAsync(id, helpful: true, user, db, time, ct)).WithName("MarkReviewHelpful");
        api.MapDelete("/{id:guid}/helpful", (Guid id, ClaimsPrincipal user, ReviewsDbContext db, TimeProvider time, CancellationToken ct) =>
            SetAsync(id, helpful: false, user, db, time, ct)).WithName("UnmarkReviewHelpful");
    }

    public static Task<Results<Ok<HelpfulResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem>> SetAsync(
        Guid id, bool helpful, ClaimsPrincipal user, ReviewsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var userId = user.GetUserId();
        return db.RetryConcurrentChangeAsync<Results<Ok<HelpfulResponse>, NotFoundProblem, ForbiddenProblem, ConflictProblem>>(
            async token =>
            {
                var review = await db.Reviews.SingleOrDefaultAsync(r => r.Id == id, token);
                if (review is null || !user.CanSee(review))
                {
                    return ReviewProblems.NotFound(id);
                }

                if (review.IsAuthor(userId))
                {
                    return Problems.Forbidden("You cannot mark your own review helpful.");
                }

                var vote = await db.HelpfulVotes.SingleOrDefaultAsync(v => v.ReviewId == id && v.UserId == userId, token);
                if (helpful && vote is null)
                {
                    db.HelpfulVotes.Add(HelpfulVote.Create(id, userId, time.GetUtcNow()));
                    review.CountHelpful();
                }
                else if (!helpful && vote is not null)
                {
                    db.HelpfulVotes.Remove(vote);
                    review.UncountHelpful();
                }

                try
                {
                    await db.SaveChangesAsync(token);
                }
                catch (DbUpdateException e) when (e.IsUniqueViolation(ReviewsDbContext.HelpfulVotePrimaryKey))
                {
                    // The same user's concurrent mark won: the review's count moved too, so re-run as a concurrent change.
                    throw new DbUpdateConcurrencyException(e.Message, e);
                }

                return TypedResults.Ok(new HelpfulResponse(id, review.HelpfulCount, helpful));
            },
            () => ReviewProblems.StillChanging(id),
            ct);
    }
}
