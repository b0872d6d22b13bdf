using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Reviews.Features;

/// <summary>Absent fields stay as they are; <c>comment</c> "" (or blank) removes the comment.</summary>
public sealed record EditReviewRequest(int? Rating, [property: MaxLength(Review.MaxCommentLength)] string? Comment);

/// <summary>
/// PATCH /api/reviews/{id} — the author changes the rating and/or comment within 7 days of posting; publishes
/// <c>review.edited</c> with the next version (an edit that changes nothing publishes nothing).
/// </summary>
public static class EditReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPatch("/{id:guid}", HandleAsync).WithName("EditReview");

    public static async Task<Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        EditReviewRequest? request,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{rating?, comment?}");
        }

        var errors = new ValidationErrors();
        if (request.Rating is null && request.Comment is null)
        {
            errors.Add("body", "Send rating, comment or both.");
        }

        if (request.Rating is not null)
        {
            ReviewInput.RequireRating(errors, request.Rating);
        }

        var comment = errors.OptionalText("comment", request.Comment, Review.MaxCommentLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        return await ReviewChange.RunAsync(id, user, db, outbox, time, (review, now) =>
        {
            if (!review.IsAuthor(userId))
            {
                return ChangeOutcome.Forbid("Only the review's author can edit it.");
            }

            var changed = review.Edit(request.Rating ?? review.Rating, request.Comment is null ? review.Comment : comment, now);
            return ChangeOutcome.Publish(changed, ReviewEvent.Edited);
        }, ct);
    }
}
