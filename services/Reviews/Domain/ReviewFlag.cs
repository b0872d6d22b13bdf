namespace DaprPlatform.Reviews.Domain;

/// <summary>One user's report that a review breaks the rules; one per user and review (the primary key says so too).</summary>
public sealed class ReviewFlag
{
    public const int MaxNoteLength = 500;

    private ReviewFlag()
    {
    }

    public Guid ReviewId { get; private set; }

    public Guid UserId { get; private set; }

    public FlagReason Reason { get; private set; }

    public string? Note { get; private set; }

    public DateTimeOffset FlaggedAt { get; private set; }

    /// <summary>True once a moderator decided on the review after this flag (hid or restored it): it no longer counts.</summary>
    public bool Resolved { get; private set; }

    internal static ReviewFlag Create(Guid reviewId, Guid userId, FlagReason reason, string? note, DateTimeOffset now) =>
        new() { ReviewId = reviewId, UserId = userId, Reason = reason, Note = note, FlaggedAt = now };

    internal void Resolve() => Resolved = true;
}
