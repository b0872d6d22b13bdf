using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Contracts;
using DaprPlatform.Tutoring.Domain;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Features;

/// <summary>
/// <c>review.*</c> → the tutor's rating. Each event's snapshot replaces the review's kept state when its version is
/// higher; the tutor's rating is then recounted from the latest states of the tutor's reviews, in the same transaction
/// and under a lock on the tutor's rating row, so concurrent events about one tutor cannot lose each other's change.
/// Idempotent twice over: the inbox skips a CloudEvent id already processed, and a replayed snapshot is not newer.
/// </summary>
public sealed partial class ProjectReviewRating(TutoringDbContext db, Inbox<TutoringDbContext> inbox, TimeProvider time, ILogger<ProjectReviewRating> logger)
{
    public const string Consumer = "tutoring.review-rating";

    /// <summary>Every review event carries the full state, so one projection serves all five topics.</summary>
    public static IReadOnlyList<string> Topics { get; } =
        [PlatformTopics.ReviewPosted, PlatformTopics.ReviewEdited, PlatformTopics.ReviewHidden, PlatformTopics.ReviewRestored, PlatformTopics.ReviewDeleted];

    /// <summary>The route a topic is delivered to: <c>review.posted</c> → <c>/events/review-posted</c>.</summary>
    public static string RouteOf(string topic) => "/events/" + topic.Replace('.', '-');

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var topic in Topics)
        {
            app.MapTopic<ReviewChanged, ProjectReviewRating>(RouteOf(topic), PlatformTopics.Subscription(topic), (h, e, ct) => h.HandleAsync(e, ct));
        }

        return app;
    }

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<ReviewChanged> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        var snapshot = ReviewSnapshot.TryRead(data.ReviewId, data.TutorId, data.Rating, data.State, data.Version, data.OccurredAt);
        if (snapshot is null)
        {
            // Retrying an event that can never be valid only delays the dead-letter topic.
            LogInvalidEvent(logger, eventId);
            return SubscriberStatus.Drop;
        }

        var tutorMismatch = false;
        var result = await inbox.ProcessOnceAsync(eventId, Consumer, async token => tutorMismatch = !await ProjectAsync(snapshot, token), ct);
        if (result == InboxResult.Duplicate)
        {
            LogDuplicate(logger, eventId);
            return SubscriberStatus.Success;
        }

        if (tutorMismatch)
        {
            // A review belongs to its booking's tutor for good; a snapshot naming another tutor is a producer bug.
            LogTutorMismatch(logger, eventId, snapshot.ReviewId, snapshot.TutorId);
            return SubscriberStatus.Drop;
        }

        return SubscriberStatus.Success;
    }

    /// <summary>Applies the snapshot and recounts the tutor; false (nothing changed) when the review is kept under another tutor.</summary>
    private async Task<bool> ProjectAsync(ReviewSnapshot snapshot, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rating = await TutorRatingRows.LockAsync(db, snapshot.TutorId, now, ct);
        var review = await db.ReviewRatings.SingleOrDefaultAsync(r => r.ReviewId == snapshot.ReviewId, ct);
        if (review is null)
        {
            db.ReviewRatings.Add(ReviewRating.From(snapshot));
        }
        else if (review.TutorId != snapshot.TutorId)
        {
            return false;
        }
        else if (!review.Apply(snapshot))
        {
            // Not newer than what is kept (a late or repeated event): the rating already reflects something later.
            return true;
        }

        await db.SaveChangesAsync(ct);
        rating.Recount(await TutorRatingRows.VisibleByStarsAsync(db, snapshot.TutorId, ct), now);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping review event {EventId}: no review or tutor id, a rating outside 1..5, an unknown state or a version below 1")]
    private static partial void LogInvalidEvent(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Review event {EventId} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropping review event {EventId}: review {ReviewId} is kept under another tutor than {TutorId}")]
    private static partial void LogTutorMismatch(ILogger logger, string eventId, Guid reviewId, Guid tutorId);
}
