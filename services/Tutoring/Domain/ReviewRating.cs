namespace DaprPlatform.Tutoring.Domain;

public enum ReviewState
{
    Visible,
    Hidden,
    Deleted,
}

/// <summary>One review's state as the rating needs it, read from a review event.</summary>
public sealed record ReviewSnapshot(Guid ReviewId, Guid TutorId, int Stars, ReviewState State, long Version, DateTimeOffset OccurredAt)
{
    public const int MinStars = 1;
    public const int MaxStars = 5;

    /// <summary>The snapshot, or null when the event can never be projected (it is dropped, not retried).</summary>
    public static ReviewSnapshot? TryRead(Guid reviewId, Guid tutorId, int stars, string? state, long version, DateTimeOffset occurredAt) =>
        reviewId == Guid.Empty || tutorId == Guid.Empty || stars is < MinStars or > MaxStars || version < 1 || ParseState(state) is not { } parsed
            ? null
            : new ReviewSnapshot(reviewId, tutorId, stars, parsed, version, occurredAt);

    public static ReviewState? ParseState(string? state) => state switch
    {
        "visible" => ReviewState.Visible,
        "hidden" => ReviewState.Hidden,
        "deleted" => ReviewState.Deleted,
        _ => null,
    };

    public static string WireName(ReviewState state) => state switch
    {
        ReviewState.Visible => "visible",
        ReviewState.Hidden => "hidden",
        _ => "deleted",
    };
}

/// <summary>
/// The latest state tutoring has seen of one review: the highest version wins and a lower or equal one changes nothing,
/// so events taken in any order, any number of times, end in the same row. A deleted review keeps its row as a
/// tombstone: a late, lower-versioned post cannot bring it back.
/// </summary>
public sealed class ReviewRating
{
    private ReviewRating()
    {
    }

    public Guid ReviewId { get; private set; }
    public Guid TutorId { get; private set; }
    public int Stars { get; private set; }
    public ReviewState State { get; private set; }
    public long Version { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>Only visible reviews count in a tutor's rating.</summary>
    public bool Counts => State == ReviewState.Visible;

    public static ReviewRating From(ReviewSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var review = new ReviewRating { ReviewId = snapshot.ReviewId, TutorId = snapshot.TutorId };
        review.Take(snapshot);
        return review;
    }

    /// <summary>Takes <paramref name="snapshot"/> when it is newer than what is kept; true when it was taken.</summary>
    public bool Apply(ReviewSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.ReviewId != ReviewId)
        {
            throw new ArgumentException($"Snapshot of review {snapshot.ReviewId} applied to review {ReviewId}.", nameof(snapshot));
        }

        if (snapshot.Version <= Version)
        {
            return false;
        }

        Take(snapshot);
        return true;
    }

    private void Take(ReviewSnapshot snapshot)
    {
        Stars = snapshot.Stars;
        State = snapshot.State;
        Version = snapshot.Version;
        OccurredAt = Instants.ToStoragePrecision(snapshot.OccurredAt);
    }
}
