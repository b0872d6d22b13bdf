namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of reviews' <c>review.*</c> events: the review's full state after the change.</summary>
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
