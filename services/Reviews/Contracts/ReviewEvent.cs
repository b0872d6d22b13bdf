using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reviews.Contracts;

/// <summary>
/// The CloudEvent data of <c>review.posted</c>, <c>review.edited</c>, <c>review.hidden</c>, <c>review.restored</c> and
/// <c>review.deleted</c> (pubsub <c>pubsub</c>): the review's full state after the change and its version, so a consumer
/// keeps the highest version per review and projects in any order ("deleted" is a tombstone).
/// </summary>
public sealed record ReviewEvent(
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
    DateTimeOffset OccurredAt)
{
    public const string Posted = PlatformTopics.ReviewPosted;
    public const string Edited = PlatformTopics.ReviewEdited;
    public const string Hidden = PlatformTopics.ReviewHidden;
    public const string Restored = PlatformTopics.ReviewRestored;
    public const string Deleted = PlatformTopics.ReviewDeleted;

    public static ReviewEvent From(Review review, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new ReviewEvent(
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
            occurredAt);
    }
}
