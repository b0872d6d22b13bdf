using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// POST /api/reviews/{id}/hide and /restore — an admin decides on a review: hidden (out of the public list and every
/// rating) or visible again; either way its open flags are settled. A real change publishes <c>review.hidden</c> /
/// <c>review.restored</c> with the next version; repeating a decision answers the same review and publishes nothing.
/// </summary>
public static class ModerateReview
{
    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/{id:guid}/hide", (Guid id, ClaimsPrincipal user, ReviewsDbContext db, Outbox<ReviewsDbContext> outbox, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, hide: true, user, db, outbox, time, ct)).WithName("HideReview");
        api.MapPost("/{id:guid}/restore", (Guid id, ClaimsPrincipal user, ReviewsDbContext db, Outbox<ReviewsDbContext> outbox, TimeProvider time, CancellationToken ct) =>
            DecideAsync(id, hide: false, user, db, outbox, time, ct)).WithName("RestoreReview");
    }

    public static async Task<Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> DecideAsync(
        Guid id, bool hide, ClaimsPrincipal user, ReviewsDbContext db, Outbox<ReviewsDbContext> outbox, TimeProvider time, CancellationToken ct)
    {
        if (!user.IsAdmin())
        {
            return Problems.Forbidden("Only admins moderate reviews.");
        }

        return await ReviewChange.RunAsync(id, user, db, outbox, time, (review, now) => hide
            ? ChangeOutcome.Publish(review.Hide(now), ReviewEvent.Hidden)
            : ChangeOutcome.Publish(review.Restore(now), ReviewEvent.Restored), ct);
    }
}
