namespace DaprPlatform.Reviews.Domain;

/// <summary>One user found a review helpful; one per user and review (primary key), undone by deleting the row.</summary>
public sealed class HelpfulVote
{
    private HelpfulVote()
    {
    }

    public Guid ReviewId { get; private set; }

    public Guid UserId { get; private set; }

    public DateTimeOffset MarkedAt { get; private set; }

    public static HelpfulVote Create(Guid reviewId, Guid userId, DateTimeOffset now) =>
        new() { ReviewId = reviewId, UserId = userId, MarkedAt = now };
}
