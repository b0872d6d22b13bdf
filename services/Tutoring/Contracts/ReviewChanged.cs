namespace DaprPlatform.Tutoring.Contracts;

/// <summary>
/// Consumer-side copy of reviews' <c>review.posted|edited|hidden|restored|deleted</c> events (camelCase JSON). Every
/// event carries the review's full state after the change and a version that grows with each change, so the rating
/// projection can take them in any order.
/// </summary>
public sealed record ReviewChanged(
    Guid ReviewId,
    Guid BookingId,
    Guid TutorId,
    Guid StudentId,
    string? StudentName,
    string? Subject,
    int Rating,
    string? Comment,
    string? State,
    long Version,
    DateTimeOffset OccurredAt);
