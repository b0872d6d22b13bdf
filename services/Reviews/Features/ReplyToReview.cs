using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Reviews.Features;

public sealed record ReplyRequest([property: MaxLength(Review.MaxReplyLength)] string? Text);

/// <summary>
/// POST /api/reviews/{id}/reply — the tutor of the reviewed booking answers, once (a second reply is 409). A reply is not
/// a change of the review: no new version, no event.
/// </summary>
public static class ReplyToReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/reply", HandleAsync).WithName("ReplyToReview");

    public static async Task<Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ReplyRequest? request,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{text}");
        }

        var errors = new ValidationErrors();
        var text = errors.RequireText("text", request.Text, Review.MaxReplyLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        return await ReviewChange.RunAsync(id, user, db, outbox, time, (review, now) =>
        {
            if (review.TutorId != userId)
            {
                return ChangeOutcome.Forbid("Only the tutor of the reviewed booking can reply.");
            }

            review.Reply(text!, now);
            return ChangeOutcome.Unpublished;
        }, ct);
    }
}
