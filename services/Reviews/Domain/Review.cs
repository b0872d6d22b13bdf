namespace DaprPlatform.Reviews.Domain;

/// <summary>
/// A student's review of one completed booking: 1–5 stars and an optional comment, editable by its author for
/// <see cref="EditWindow"/> after posting, answered once by the booking's tutor, flagged by other users, hidden and restored
/// by moderation, deleted as a tombstone. <see cref="Version"/> grows with every change the <c>review.*</c> events tell
/// (post, edit, hide, restore, delete); replies, flags and helpful marks are reviews' own business and leave it alone.
/// </summary>
public sealed class Review
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int MaxCommentLength = 2000;
    public const int MaxReplyLength = 2000;

    /// <summary>Flags from this many different users hide a visible review until a moderator decides.</summary>
    public const int FlagsToHide = 3;

    public static readonly TimeSpan EditWindow = TimeSpan.FromDays(7);

    private readonly List<ReviewFlag> _flags = [];

    private Review()
    {
        StudentName = string.Empty;
        Subject = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid BookingId { get; private set; }

    public Guid TutorId { get; private set; }

    public Guid StudentId { get; private set; }

    public string StudentName { get; private set; }

    public string Subject { get; private set; }

    public int Rating { get; private set; }

    public string? Comment { get; private set; }

    public ReviewState State { get; private set; }

    public long Version { get; private set; }

    public DateTimeOffset PostedAt { get; private set; }

    public DateTimeOffset? EditedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string? ReplyText { get; private set; }

    public DateTimeOffset? RepliedAt { get; private set; }

    public int HelpfulCount { get; private set; }

    /// <summary>
    /// Flags ever received. Stored so that every flag changes the review's row: two concurrent flags then meet on its row
    /// version, and the one that re-runs sees the other's flag when it counts towards <see cref="FlagsToHide"/>.
    /// </summary>
    public int FlagCount { get; private set; }

    public IReadOnlyList<ReviewFlag> Flags => _flags;

    public DateTimeOffset EditableUntil => PostedAt + EditWindow;

    /// <summary>Flags no moderator has decided on yet.</summary>
    public int OpenFlagCount => _flags.Count(f => !f.Resolved);

    public static bool IsValidRating(int rating) => rating is >= MinRating and <= MaxRating;

    public static Review Post(Guid id, ReviewableBooking booking, int rating, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(booking);
        if (!booking.IsReviewable)
        {
            throw new ArgumentException($"Booking {booking.BookingId} is not a completed booking.", nameof(booking));
        }

        CheckContent(rating, comment);
        return new Review
        {
            Id = id,
            BookingId = booking.BookingId,
            TutorId = booking.TutorId,
            StudentId = booking.StudentId,
            StudentName = booking.StudentName,
            Subject = booking.Subject,
            Rating = rating,
            Comment = comment,
            State = ReviewState.Visible,
            Version = 1,
            PostedAt = now,
            UpdatedAt = now,
        };
    }

    public bool IsAuthor(Guid userId) => StudentId == userId;

    public bool IsParticipant(Guid userId) => StudentId == userId || TutorId == userId;

    /// <summary>The author's new rating and comment. False when both are what they were (no new version, no event).</summary>
    public bool Edit(int rating, string? comment, DateTimeOffset now)
    {
        EnsureNotDeleted();
        CheckContent(rating, comment);
        if (now > EditableUntil)
        {
            throw new ReviewRuleException(Id, ReviewRule.EditWindowClosed,
                $"Review {Id} can no longer be edited: edits are allowed for {EditWindow.TotalDays:0} days after posting (until {EditableUntil:O}).");
        }

        if (rating == Rating && string.Equals(comment, Comment, StringComparison.Ordinal))
        {
            return false;
        }

        Rating = rating;
        Comment = comment;
        EditedAt = now;
        return Changed(now);
    }

    /// <summary>The tutor's one public answer. Not a change of the review itself: no new version.</summary>
    public void Reply(string text, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        EnsureNotDeleted();
        if (ReplyText is not null)
        {
            throw new ReviewRuleException(Id, ReviewRule.AlreadyReplied, $"Review {Id} already has the tutor's reply; a tutor replies once.");
        }

        ReplyText = text;
        RepliedAt = now;
        UpdatedAt = now;
    }

    /// <summary>
    /// Records <paramref name="userId"/>'s flag. Returns true when it is the <see cref="FlagsToHide"/>-th open flag on a
    /// visible review, which hides it pending moderation (a new version).
    /// </summary>
    public bool Flag(Guid userId, FlagReason reason, string? note, DateTimeOffset now)
    {
        EnsureNotDeleted();
        if (_flags.Any(f => f.UserId == userId))
        {
            throw new ReviewRuleException(Id, ReviewRule.AlreadyFlagged, $"You have already flagged review {Id}.");
        }

        _flags.Add(ReviewFlag.Create(Id, userId, reason, note, now));
        FlagCount++;
        UpdatedAt = now;
        if (State == ReviewState.Visible && OpenFlagCount >= FlagsToHide)
        {
            State = ReviewState.Hidden;
            return Changed(now);
        }

        return false;
    }

    /// <summary>A moderator hides the review; its open flags are decided. False when it was hidden already.</summary>
    public bool Hide(DateTimeOffset now) => Moderate(ReviewState.Hidden, now);

    /// <summary>
    /// A moderator makes the review visible again and dismisses its open flags (only new flags count towards hiding it
    /// again). False when it was visible already.
    /// </summary>
    public bool Restore(DateTimeOffset now) => Moderate(ReviewState.Visible, now);

    /// <summary>The author or a moderator deletes the review: a tombstone that stays, so late events cannot revive it.</summary>
    public bool Delete(DateTimeOffset now)
    {
        if (State == ReviewState.Deleted)
        {
            return false;
        }

        State = ReviewState.Deleted;
        return Changed(now);
    }

    public void CountHelpful() => HelpfulCount++;

    public void UncountHelpful() => HelpfulCount = Math.Max(0, HelpfulCount - 1);

    private bool Moderate(ReviewState decision, DateTimeOffset now)
    {
        EnsureNotDeleted();
        foreach (var flag in _flags.Where(f => !f.Resolved))
        {
            flag.Resolve();
        }

        UpdatedAt = now;
        if (State == decision)
        {
            return false;
        }

        State = decision;
        return Changed(now);
    }

    private bool Changed(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
        return true;
    }

    private void EnsureNotDeleted()
    {
        if (State == ReviewState.Deleted)
        {
            throw new ReviewRuleException(Id, ReviewRule.Deleted, $"Review {Id} was deleted.");
        }
    }

    private static void CheckContent(int rating, string? comment)
    {
        if (!IsValidRating(rating))
        {
            throw new ArgumentOutOfRangeException(nameof(rating), rating, $"A rating is {MinRating} to {MaxRating} stars.");
        }

        if (comment is { Length: > MaxCommentLength })
        {
            throw new ArgumentException($"A comment is at most {MaxCommentLength} characters.", nameof(comment));
        }
    }
}
