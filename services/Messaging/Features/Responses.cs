using DaprPlatform.Messaging.Domain;

namespace DaprPlatform.Messaging.Features;

public sealed record ParticipantBody(Guid Id, string Name);

/// <summary>The last message as the conversation list shows it; a deleted one has an empty preview.</summary>
public sealed record LastMessageBody(Guid Id, Guid SenderId, string Preview, DateTimeOffset SentAt, bool Deleted);

/// <summary>A conversation as one participant sees it (their unread count, their archive flag, the other participant).</summary>
public sealed record ConversationResponse(
    Guid Id,
    ParticipantBody Student,
    ParticipantBody Tutor,
    ParticipantBody OtherParticipant,
    Guid? BookingId,
    bool Archived,
    int Unread,
    LastMessageBody? LastMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt)
{
    public static ConversationResponse From(ConversationRow row, Guid viewer)
    {
        ArgumentNullException.ThrowIfNull(row);
        var c = row.Conversation;
        var other = c.OtherParticipant(viewer);
        return new ConversationResponse(
            c.Id,
            new ParticipantBody(c.StudentId, c.StudentName),
            new ParticipantBody(c.TutorId, c.TutorName),
            new ParticipantBody(other, c.NameOf(other)),
            c.BookingId,
            c.IsArchivedFor(viewer),
            row.Unread,
            row.LastMessage is { } m ? new LastMessageBody(m.Id, m.SenderId, m.Preview, m.SentAt, m.IsDeleted) : null,
            c.CreatedAt,
            c.LastActivityAt);
    }
}

/// <summary>A message; once deleted its text is null and <see cref="Deleted"/> is true.</summary>
public sealed record MessageResponse(
    Guid Id,
    Guid ConversationId,
    Guid SenderId,
    string? Text,
    DateTimeOffset SentAt,
    DateTimeOffset? EditedAt,
    bool Deleted,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? ReadAt)
{
    public static MessageResponse From(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MessageResponse(message.Id, message.ConversationId, message.SenderId, message.Text, message.SentAt, message.EditedAt,
            message.IsDeleted, message.DeletedAt, message.ReadAt);
    }
}

/// <summary>GET /api/conversations/{id}: the conversation and one page of its messages, newest first.</summary>
public sealed record ConversationDetailResponse(ConversationResponse Conversation, IReadOnlyList<MessageResponse> Messages, string? NextCursor);

/// <summary>One page of the conversation list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationResponse> Items, string? NextCursor);

/// <summary>GET /api/conversations/unread: unread messages over all the caller's conversations, and how many conversations have any.</summary>
public sealed record UnreadTotalResponse(int Unread, int Conversations);

/// <summary>PATCH /api/messages/{id}/read: what this action newly read, and what is still unread for the reader.</summary>
public sealed record ReadReceiptResponse(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds, DateTimeOffset ReadAt, int Unread);

/// <summary>The <c>user:typing</c> live event.</summary>
public sealed record TypingBody(Guid ConversationId, Guid UserId, string Name, DateTimeOffset At);
