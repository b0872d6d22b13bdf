namespace DaprPlatform.Messaging.Domain;

/// <summary>
/// A conversation between exactly two people, a student and a tutor: one per pair, started by the student. Each side
/// archives it for itself; <see cref="Version"/> counts every change to the conversation's messages, so a live stream can
/// put notices that arrive out of order back in order.
/// </summary>
public sealed class Conversation
{
    public const int MaxNameLength = 200;

    private Conversation()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>Database-assigned, increasing: breaks ties between equal activity times in the list's cursor.</summary>
    public long Sequence { get; private set; }

    public Guid StudentId { get; private set; }

    public string StudentName { get; private set; } = "";

    public Guid TutorId { get; private set; }

    public string TutorName { get; private set; } = "";

    /// <summary>The booking the conversation was last opened from (the booking page links here); null when started from a profile.</summary>
    public Guid? BookingId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the last message was sent (or the conversation started): the list's order.</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    public long Version { get; private set; }

    public bool StudentArchived { get; private set; }

    public bool TutorArchived { get; private set; }

    public static Conversation Start(Guid studentId, string studentName, Guid tutorId, string tutorName, Guid? bookingId, DateTimeOffset now)
    {
        if (studentId == Guid.Empty || tutorId == Guid.Empty) { throw new ArgumentException("Both participants need an id."); }
        if (studentId == tutorId) { throw new ArgumentException("A conversation has two different participants."); }
        ArgumentException.ThrowIfNullOrWhiteSpace(studentName);
        ArgumentException.ThrowIfNullOrWhiteSpace(tutorName);
        return new Conversation
        {
            Id = Guid.CreateVersion7(now),
            StudentId = studentId,
            StudentName = studentName,
            TutorId = tutorId,
            TutorName = tutorName,
            BookingId = bookingId,
            CreatedAt = now,
            LastActivityAt = now,
        };
    }

    public bool IsParticipant(Guid userId) => userId == StudentId || userId == TutorId;

    /// <summary>The participant who is not <paramref name="userId"/>.</summary>
    public Guid OtherParticipant(Guid userId) => userId == StudentId ? TutorId : userId == TutorId ? StudentId : throw NotAParticipant(userId);

    public string NameOf(Guid userId) => userId == StudentId ? StudentName : userId == TutorId ? TutorName : throw NotAParticipant(userId);

    public bool IsArchivedFor(Guid userId) => userId == StudentId ? StudentArchived : userId == TutorId ? TutorArchived : throw NotAParticipant(userId);

    /// <summary>Remembers the booking the student opened the conversation from (the latest one wins).</summary>
    public bool LinkBooking(Guid bookingId)
    {
        if (BookingId == bookingId) { return false; }
        BookingId = bookingId;
        return true;
    }

    public void SetArchived(Guid userId, bool archived)
    {
        if (userId == StudentId) { StudentArchived = archived; }
        else if (userId == TutorId) { TutorArchived = archived; }
        else { throw NotAParticipant(userId); }
    }

    /// <summary>A new message: activity moves on, and the conversation comes back to the recipient's default list.</summary>
    public Message Send(Guid senderId, string text, DateTimeOffset now)
    {
        var recipient = OtherParticipant(senderId);
        var message = Message.Create(Id, senderId, text, now);
        LastActivityAt = now;
        SetArchived(recipient, false);
        Version++;
        return message;
    }

    /// <summary>Any other change to the conversation's messages (edit, delete, read receipt).</summary>
    public void Changed() => Version++;

    private InvalidOperationException NotAParticipant(Guid userId) => new($"User {userId} is not a participant of conversation {Id}.");
}
