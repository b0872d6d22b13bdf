using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reviews.Features;

/// <summary>Review-specific problem details; the <c>type</c> tells the 409s apart.</summary>
public static class ReviewProblems
{
    public const string AlreadyReviewedType = "https://daprplatform.dev/problems/already-reviewed";
    public const string EditWindowClosedType = "https://daprplatform.dev/problems/edit-window-closed";
    public const string AlreadyRepliedType = "https://daprplatform.dev/problems/already-replied";
    public const string AlreadyFlaggedType = "https://daprplatform.dev/problems/already-flagged";
    public const string ReviewDeletedType = "https://daprplatform.dev/problems/review-deleted";

    public static NotFoundProblem NotFound(Guid reviewId) => Problems.NotFound($"Review {reviewId} does not exist.");

    public static NotFoundProblem NoReviewOfBooking(Guid bookingId) => Problems.NotFound($"Booking {bookingId} has no review you can see.");

    public static NotFoundProblem NotYourBooking(Guid bookingId) => Problems.NotFound($"Booking {bookingId} is not a booking of yours.");

    /// <summary>
    /// 422, not 409: nothing about a review conflicts; the booking the request names is not (or not yet: booking's event
    /// may still be on its way) a completed one reviews knows, and reviews cannot tell which without calling booking.
    /// </summary>
    public static UnprocessableProblem NotReviewable(Guid bookingId) =>
        Problems.Unprocessable("bookingId", "Only a completed booking can be reviewed.",
            $"Booking {bookingId} is not a completed booking of yours (a booking becomes reviewable once its tutor marks it completed).",
            "The booking cannot be reviewed.");

    public static ConflictProblem AlreadyReviewed(Guid bookingId) =>
        new($"Booking {bookingId} already has a review; a booking is reviewed once (edit the review instead).",
            "The booking was already reviewed.", AlreadyReviewedType);

    public static ConflictProblem Rule(ReviewRuleException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (title, type) = e.Rule switch
        {
            ReviewRule.EditWindowClosed => ("The review can no longer be edited.", EditWindowClosedType),
            ReviewRule.AlreadyReplied => ("The review already has a reply.", AlreadyRepliedType),
            ReviewRule.AlreadyFlagged => ("You already flagged this review.", AlreadyFlaggedType),
            _ => ("The review was deleted.", ReviewDeletedType),
        };
        return new ConflictProblem(e.Message, title, type, new Dictionary<string, object?>(StringComparer.Ordinal) { ["reviewId"] = e.ReviewId });
    }

    public static ConflictProblem StillChanging(Guid reviewId) =>
        Problems.Conflict($"Review {reviewId} kept changing while this request ran; read it again and retry.");
}
