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

public sealed record PostReviewRequest(Guid? BookingId, int? Rating, [property: MaxLength(Review.MaxCommentLength)] string? Comment);

/// <summary>
/// POST /api/reviews — the student of a completed booking reviews it, once; publishes <c>review.posted</c> (version 1).
/// Eligibility is reviews' own projection of booking's events: nothing is asked of booking here.
/// </summary>
public static class PostReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/", HandleAsync).WithName("PostReview");

    public static async Task<Results<Created<ReviewResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem>> HandleAsync(
        PostReviewRequest? request,
        ClaimsPrincipal user,
        ReviewsDbContext db,
        Outbox<ReviewsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        if (!user.IsInRole(PlatformRoles.Student))
        {
            return Problems.Forbidden("Only students review their completed bookings.");
        }

        if (request is null)
        {
            return ValidationErrors.MissingBody("{bookingId, rating, comment?}");
        }

        var errors = new ValidationErrors();
        var bookingId = errors.RequireId("bookingId", request.BookingId);
        ReviewInput.RequireRating(errors, request.Rating);
        var comment = errors.OptionalText("comment", request.Comment, Review.MaxCommentLength);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var booking = await db.ReviewableBookings.AsNoTracking().SingleOrDefaultAsync(b => b.BookingId == bookingId, ct);
        var studentId = user.GetUserId();
        if (booking is not null && !booking.IsStudent(studentId))
        {
            return ReviewProblems.NotYourBooking(bookingId!.Value);
        }

        if (booking is not { IsReviewable: true })
        {
            return ReviewProblems.NotReviewable(bookingId!.Value);
        }

        if (await db.Reviews.AnyAsync(r => r.BookingId == booking.BookingId, ct))
        {
            return ReviewProblems.AlreadyReviewed(booking.BookingId);
        }

        var now = time.GetUtcNow();
        var review = Review.Post(Guid.CreateVersion7(now), booking, request.Rating!.Value, comment, now);
        db.Reviews.Add(review);
        outbox.Enqueue(ReviewEvent.Posted, ReviewEvent.From(review, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(ReviewsDbContext.OneReviewPerBookingIndex))
        {
            // A concurrent post of the same booking won.
            return ReviewProblems.AlreadyReviewed(booking.BookingId);
        }

        return TypedResults.Created($"/api/reviews/booking/{booking.BookingId}", ReviewResponse.From(review));
    }
}

/// <summary>The field rules two requests share (posting and editing a review).</summary>
public static class ReviewInput
{
    public static void RequireRating(ValidationErrors errors, int? rating)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (rating is not { } stars || !Review.IsValidRating(stars))
        {
            errors.Add("rating", $"rating must be a whole number of stars from {Review.MinRating} to {Review.MaxRating}.");
        }
    }
}
