using DaprPlatform.Reviews.Domain;

namespace DaprPlatform.Reviews.Features;

public sealed record ReplyResponse(string Text, DateTimeOffset RepliedAt);

/// <summary>A review as its student, its tutor and admins see it.</summary>
public sealed record ReviewResponse(
    Guid ReviewId,
    Guid BookingId,
    Guid TutorId,
    Guid StudentId,
    string StudentName,
    string Subject,
    int Rating,
    string? Comment,
    string State,
    long Version,
    int HelpfulCount,
    ReplyResponse? Reply,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset EditableUntil)
{
    public static ReviewResponse From(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new ReviewResponse(
            review.Id,
            review.BookingId,
            review.TutorId,
            review.StudentId,
            review.StudentName,
            review.Subject,
            review.Rating,
            review.Comment,
            review.State.ToWireName(),
            review.Version,
            review.HelpfulCount,
            ReplyOf(review),
            review.PostedAt,
            review.EditedAt,
            review.EditableUntil);
    }

    public static ReplyResponse? ReplyOf(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return review is { ReplyText: { } text, RepliedAt: { } at } ? new ReplyResponse(text, at) : null;
    }
}
