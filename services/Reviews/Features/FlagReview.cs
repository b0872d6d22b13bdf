using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

public sealed record FlagReviewRequest(string? Reason, [property: MaxLength(ReviewFlag.MaxNoteLength)] string? Note);

public sealed record FlagResponse(Guid ReviewId, string Reason, string State);

/// <summary>
/// POST /api/reviews/{id}/flag — any signed-in user reports a review they can see, once (again: 409). The
/// <see cref="Review.FlagsToHide"/>-th open flag from a different user hides it pending moderation and publishes
/// <c>review.hidden</c>. The answer tells the flagger only the review's state, not who else flagged it.
/// </summary>
public static class FlagReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/flag", HandleAsync).WithName("FlagReview");

    public static async Task<Results<Ok<FlagResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem>> HandleAsync(
        Guid id,
        FlagReviewRequest? request,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{reason, note?}");
        }

        var errors = new ValidationErrors();
        if (!FlagReasonNames.TryParseWireName(request.Reason, out var reason))
        {
            errors.Add("reason", $"reason must be one of {string.Join(", ", FlagReasonNames.WireNames)}.");
        }

        var note = errors.OptionalText("note", request.Note, ReviewFlag.MaxNoteLength);
        if (reason == FlagReason.Other && note is null && errors.IsEmpty)
        {
            errors.Add("note", "A flag for reason other needs a note saying what is wrong.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        Results<Ok<ReviewResponse>, ValidationProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem> answer;
        try
        {
            answer = await ReviewChange.RunAsync(id, user, db, outbox, time, (review, now) =>
                ChangeOutcome.Publish(review.Flag(userId, reason!.Value, note, now), ReviewEvent.Hidden), ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(ReviewsDbContext.FlagPrimaryKey))
        {
            // The same user's concurrent second flag lost on the primary key.
            db.ChangeTracker.Clear();
            return ReviewProblems.Rule(new ReviewRuleException(id, ReviewRule.AlreadyFlagged, $"You have already flagged review {id}."));
        }

        return answer.Result switch
        {
            Ok<ReviewResponse> ok => TypedResults.Ok(new FlagResponse(id, reason!.Value.ToWireName(), ok.Value!.State)),
            NotFoundProblem notFound => notFound,
            ForbiddenProblem forbidden => forbidden,
            ConflictProblem conflict => conflict,
            var other => throw new InvalidOperationException($"A flag answered {other.GetType().Name}."),
        };
    }
}
