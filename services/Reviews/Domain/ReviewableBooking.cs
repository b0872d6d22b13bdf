namespace DaprPlatform.Reviews.Domain;

/// <summary>
/// Reviews' own copy of a booking that was completed, projected from booking's <c>booking.completed</c> (and
/// <c>booking.cancelled</c>) events, so posting a review never calls booking. Only the student of a completed booking that
/// was not cancelled afterwards may review it.
/// </summary>
public sealed class ReviewableBooking
{
    public const int MaxNameLength = 100;
    public const int MaxSubjectLength = 80;

    private ReviewableBooking()
    {
        StudentName = string.Empty;
        TutorName = string.Empty;
        Subject = string.Empty;
    }

    public Guid BookingId { get; private set; }

    public Guid StudentId { get; private set; }

    public string StudentName { get; private set; }

    public Guid TutorId { get; private set; }

    public string TutorName { get; private set; }

    public string Subject { get; private set; }

    /// <summary>When booking completed it; null when only a cancellation after completion is known so far.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>When booking cancelled it after completion (booking's state machine does not allow that today).</summary>
    public DateTimeOffset? CancelledAt { get; private set; }

    public bool IsReviewable => CompletedAt is not null && CancelledAt is null;

    public static ReviewableBooking From(BookingFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new ReviewableBooking
        {
            BookingId = facts.BookingId,
            StudentId = facts.StudentId,
            StudentName = Fit(facts.StudentName, MaxNameLength),
            TutorId = facts.TutorId,
            TutorName = Fit(facts.TutorName, MaxNameLength),
            Subject = Fit(facts.Subject, MaxSubjectLength),
        };
    }

    /// <summary>Records the completion; a redelivery or a late copy keeps the first time. Returns whether anything changed.</summary>
    public bool Complete(DateTimeOffset completedAt)
    {
        if (CompletedAt is not null) { return false; }
        CompletedAt = completedAt;
        return true;
    }

    /// <summary>
    /// Records a cancellation after completion: the booking is no longer reviewable, whatever order the two events arrive
    /// in (a late <c>booking.completed</c> cannot make it reviewable again).
    /// </summary>
    public bool Cancel(DateTimeOffset cancelledAt)
    {
        if (CancelledAt is not null) { return false; }
        CancelledAt = cancelledAt;
        return true;
    }

    public bool IsStudent(Guid userId) => StudentId == userId;

    public bool IsParticipant(Guid userId) => StudentId == userId || TutorId == userId;

    // Booking bounds these already; a longer value from a future booking must not make the projection fail forever.
    private static string Fit(string value, int maxLength) => value.Length <= maxLength ? value : value[..maxLength];
}

/// <summary>What a booking event tells reviews about the booking (validated by the consumer).</summary>
public sealed record BookingFacts(Guid BookingId, Guid StudentId, string StudentName, Guid TutorId, string TutorName, string Subject);
