using System.Security.Claims;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reviews.Features;

/// <summary>
/// GET /api/reviews/booking/{bookingId} — the booking's review (hidden ones included), for the booking's student, its
/// tutor or an admin. Everyone else, and everyone for a booking without a review or with a deleted one: 404.
/// </summary>
public static class GetBookingReview
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/booking/{bookingId:guid}", HandleAsync).WithName("GetBookingReview");

    public static async Task<Results<Ok<ReviewResponse>, NotFoundProblem>> HandleAsync(Guid bookingId, ClaimsPrincipal user, ReviewsDbContext db, CancellationToken ct)
    {
        var review = await db.Reviews.AsNoTracking().SingleOrDefaultAsync(r => r.BookingId == bookingId, ct);
        var userId = user.GetUserId();
        return review is not null && review.State != ReviewState.Deleted && (user.IsAdmin() || review.IsParticipant(userId))
            ? TypedResults.Ok(ReviewResponse.From(review))
            : ReviewProblems.NoReviewOfBooking(bookingId);
    }
}
