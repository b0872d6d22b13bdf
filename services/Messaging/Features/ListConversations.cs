using System.Security.Claims;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// GET /api/conversations?archived=true&amp;participant=&amp;cursor=&amp;limit= — the caller's conversations, newest activity first,
/// each with the other participant, the last message and the caller's unread count. Archived ones only with
/// <c>archived=true</c>; with <c>participant</c> only the one with that person, if any (a page finds it without listing all).
/// </summary>
public static class ListConversations
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListConversations");

    public static async Task<Results<Ok<ConversationPage>, ValidationProblem>> HandleAsync(
        string? archived,
        string? participant,
        string? cursor,
        string? limit,
        ClaimsPrincipal user,
        MessagingDbContext db,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var size = PageLimit.Read(limit, errors);
        bool wantArchived = false;
        if (archived is not null && !bool.TryParse(archived, out wantArchived))
        {
            errors.Add("archived", "archived must be true or false.");
        }

        Guid? with = null;
        if (participant is not null)
        {
            if (Guid.TryParse(participant, out var other) && other != Guid.Empty) { with = other; }
            else { errors.Add("participant", "participant must be a user id."); }
        }

        (DateTimeOffset LastActivityAt, long Sequence)? after = null;
        if (cursor is not null && (after = Cursors.ReadConversation(cursor)) is null)
        {
            errors.Add("cursor", "cursor is not one this list gave out.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var me = user.GetUserId();
        var mine = ConversationRows.Of(db, me)
            .Where(c => (c.StudentId == me ? c.StudentArchived : c.TutorArchived) == wantArchived);
        if (with is { } person)
        {
            mine = mine.Where(c => (c.StudentId == me ? c.TutorId : c.StudentId) == person);
        }

        if (after is { } position)
        {
            var (at, sequence) = position;
            mine = mine.Where(c => c.LastActivityAt < at || (c.LastActivityAt == at && c.Sequence < sequence));
        }

        var rows = await ConversationRows.WithSummary(db, mine.OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Sequence).Take(size + 1), me)
            .ToListAsync(ct);
        var page = rows.Take(size).ToList();
        var next = rows.Count > size ? Cursors.ForConversation(page[^1].Conversation.LastActivityAt, page[^1].Conversation.Sequence) : null;
        return TypedResults.Ok(new ConversationPage(page.Select(r => ConversationResponse.From(r, me)).ToList(), next));
    }
}
