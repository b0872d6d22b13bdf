using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// Loads a review the caller can see, lets <c>change</c> apply one domain action and saves it, with its event when the
/// action made a new version. A concurrent writer makes the save fail on the row version; the action then re-runs on
/// fresh state. Anyone who cannot see the review gets 404; a broken review rule is 409. (The answer type lists the 400
/// its callers give for bad fields before they get here.)
/// </summary>
public static class ReviewChange
{
    /// <param name="change">Applies the action; returns the topic to publish (the review's new version), or null for none.
    /// A problem it returns (e.g. 403 for the wrong person) is the answer instead, and nothing is saved.</param>
    public static Task<Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> RunAsync(
        Guid reviewId,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        Func<Review, DateTimeOffset, ChangeOutcome> change,
        CancellationToken ct) =>
        db.RetryConcurrentChangeAsync<Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>>(
            async token =>
            {
                var review = await db.Reviews.Include(r => r.Flags).SingleOrDefaultAsync(r => r.Id == reviewId, token);
                if (review is null || !user.CanSee(review))
                {
                    return ReviewProblems.NotFound(reviewId);
                }

                var now = time.GetUtcNow();
                ChangeOutcome outcome;
                try
                {
                    outcome = change(review, now);
                }
                catch (ReviewRuleException e)
                {
                    return ReviewProblems.Rule(e);
                }

                if (outcome.Refusal is { } refusal)
                {
                    return refusal;
                }

                if (outcome.Topic is { } topic)
                {
                    outbox.Enqueue(topic, ReviewEvent.From(review, now));
                }

                await db.SaveChangesAsync(token);
                return TypedResults.Ok(ReviewResponse.From(review));
            },
            () => ReviewProblems.StillChanging(reviewId),
            ct);
}

/// <summary>What a review action did: refused (403), made a new version to publish on <see cref="Topic"/>, or neither.</summary>
public sealed record ChangeOutcome(string? Topic, ForbiddenProblem? Refusal = null)
{
    public static readonly ChangeOutcome Unpublished = new((string?)null);

    public static ChangeOutcome Publish(bool changed, string topic) => changed ? new ChangeOutcome(topic) : Unpublished;

    public static ChangeOutcome Forbid(string detail) => new(null, Problems.Forbidden(detail));
}
