using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>A conversation with what its list entry shows for one viewer: the last message and the viewer's unread count.</summary>
public sealed record ConversationRow(Conversation Conversation, Message? LastMessage, int Unread);

/// <summary>Reading conversations for a participant: nobody else ever finds one (they get 404 as if it did not exist).</summary>
public static class ConversationRows
{
    public static IQueryable<Conversation> Of(MessagingDbContext db, Guid participant) =>
        db.Conversations.Where(c => c.StudentId == participant || c.TutorId == participant);

    /// <summary>The conversation <paramref name="id"/> if <paramref name="participant"/> takes part in it (tracked, for a change).</summary>
    public static Task<Conversation?> FindAsync(MessagingDbContext db, Guid id, Guid participant, CancellationToken ct) =>
        Of(db, participant).SingleOrDefaultAsync(c => c.Id == id, ct);

    /// <summary>
    /// As <see cref="FindAsync"/>, holding the conversation's row lock until the caller's transaction ends: changes that bump
    /// the conversation's version (send, read, edit, delete) queue up behind each other instead of failing on its row version.
    /// </summary>
    public static async Task<Conversation?> LockAsync(MessagingDbContext db, Guid id, Guid participant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A row lock lasts as long as a transaction; begin one first.");
        }

        await db.Database.ExecuteSqlAsync($"SELECT id FROM conversations WHERE id = {id} FOR UPDATE", ct);
        return await FindAsync(db, id, participant, ct);
    }

    /// <summary>Unread for <paramref name="viewer"/>: messages from the other participant, not deleted, not read yet.</summary>
    public static IQueryable<Message> UnreadBy(IQueryable<Message> messages, Guid viewer) =>
        messages.Where(m => m.SenderId != viewer && m.ReadAt == null && m.DeletedAt == null);

    public static IQueryable<ConversationRow> WithSummary(MessagingDbContext db, IQueryable<Conversation> conversations, Guid viewer)
    {
        ArgumentNullException.ThrowIfNull(db);
        var unread = UnreadBy(db.Messages, viewer);
        return conversations.AsNoTracking().Select(c => new ConversationRow(
            c,
            db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.Position).FirstOrDefault(),
            unread.Count(m => m.ConversationId == c.Id)));
    }

    public static async Task<ConversationResponse> SummaryAsync(MessagingDbContext db, Guid id, Guid viewer, CancellationToken ct)
    {
        var row = await WithSummary(db, db.Conversations.Where(c => c.Id == id), viewer).SingleAsync(ct);
        return ConversationResponse.From(row, viewer);
    }
}
