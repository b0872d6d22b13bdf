using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// DELETE /api/reviews/{id} — the author or an admin deletes the review: it stays as a tombstone (so consumers project the
/// deletion and the booking cannot be reviewed again) and <c>review.deleted</c> carries the next version. 204; a deleted
/// review is gone for everyone, so deleting it again is 404.
/// </summary>
public static class DeleteReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapDelete("/{id:guid}", HandleAsync).WithName("DeleteReview");

    public static async Task<Results<NoContent, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var userId = user.GetUserId();
        var isAdmin = user.IsAdmin();
        var answer = await ReviewChange.RunAsync(id, user, db, outbox, time, (review, now) =>
            review.IsAuthor(userId) || isAdmin
                ? ChangeOutcome.Publish(review.Delete(now), ReviewEvent.Deleted)
                : ChangeOutcome.Forbid("Only the review's author or an admin can delete it."), ct);
        return answer.Result switch
        {
            Ok<ReviewResponse> => TypedResults.NoContent(),
            NotFoundProblem notFound => notFound,
            ForbiddenProblem forbidden => forbidden,
            ConflictProblem conflict => conflict,
            var other => throw new InvalidOperationException($"A review change without a body answered {other.GetType().Name}."),
        };
    }
}
