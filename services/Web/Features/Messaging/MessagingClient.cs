using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Messaging;

/// <summary>One side of a conversation.</summary>
public sealed record Participant(Guid Id, string Name);

/// <summary>The last message as the list shows it; a deleted one has an empty preview.</summary>
public sealed record LastMessage(Guid Id, Guid SenderId, string Preview, DateTimeOffset SentAt, bool Deleted);

/// <summary>A conversation as the signed-in person sees it: <see cref="Archived"/> and <see cref="Unread"/> are theirs.</summary>
public sealed record Conversation(
    Guid Id,
    Participant Student,
    Participant Tutor,
    Participant OtherParticipant,
    Guid? BookingId,
    bool Archived,
    int Unread,
    LastMessage? LastMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt);

/// <summary>A message; once deleted its <see cref="Text"/> is null. <see cref="ReadAt"/> is when the other side read it.</summary>
public sealed record Message(
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
    /// <summary>Messaging lets the sender edit within <see cref="MessagingClient.EditWindow"/> of sending, until deleted.</summary>
    public bool IsEditableBy(Guid userId, DateTimeOffset now) => SenderId == userId && !Deleted && now < SentAt + MessagingClient.EditWindow;
}

/// <summary><c>GET /api/conversations/{id}</c>: the conversation and a page of messages, newest first.</summary>
public sealed record ConversationDetail(Conversation Conversation, IReadOnlyList<Message> Messages, string? NextCursor);

/// <summary>A page of the conversation list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ConversationPage(IReadOnlyList<Conversation> Items, string? NextCursor);

/// <summary><c>GET /api/conversations/unread</c>: unread messages over all the person's conversations, and how many have any.</summary>
public sealed record UnreadTotal(int Unread, int Conversations);

/// <summary>What a read action newly read (<c>PATCH /api/messages/{id}/read</c> and the live <c>message:read</c>).</summary>
public sealed record ReadReceipt(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds, DateTimeOffset ReadAt, int? Unread = null);

/// <summary>The live <c>user:typing</c>: the other participant is typing.</summary>
public sealed record TypingSignal(Guid ConversationId, Guid UserId, string Name, DateTimeOffset At);

/// <summary>The messaging service's public API, called as the signed-in person through the web app's sidecar.</summary>
public sealed class MessagingClient(ServiceCalls services)
{
    public const string AppId = "messaging";

    /// <summary>messaging's limits (services/Messaging/README.md); the page counts against them, messaging enforces them.</summary>
    public const int MaxTextLength = 4000;

    public static readonly TimeSpan EditWindow = TimeSpan.FromMinutes(15);

    public const int MessagesPerPage = 30;
    public const int ConversationsPerPage = 20;

    /// <summary>Start-or-open: a student's conversation with the tutor (201 new, 200 the existing one); the booking is remembered on it.</summary>
    public Task<ApiResult<Conversation>> StartAsync(Guid tutorId, Guid? bookingId, CancellationToken ct) =>
        services.SendAsync<Conversation>(HttpMethod.Post, AppId, "api/conversations", new { tutorId, bookingId }, ct);

    public Task<ApiResult<ConversationPage>> ListAsync(bool archived, string? cursor, CancellationToken ct, int limit = ConversationsPerPage)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/conversations?archived={(archived ? "true" : "false")}&limit={limit}");
        return services.GetAsync<ConversationPage>(AppId, cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}", ct);
    }

    /// <summary><c>GET /api/conversations/unread</c>: the person's unread total over every conversation, archived ones too.</summary>
    public Task<ApiResult<UnreadTotal>> GetUnreadAsync(CancellationToken ct) =>
        services.GetAsync<UnreadTotal>(AppId, "api/conversations/unread", ct);

    /// <summary>
    /// The person's conversation with <paramref name="participant"/>, in the inbox or else the archive: empty when there is
    /// none, else the one (messaging keeps one per pair).
    /// </summary>
    public async Task<ApiResult<IReadOnlyList<Conversation>>> FindWithAsync(Guid participant, CancellationToken ct)
    {
        foreach (var archived in new[] { false, true })
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"api/conversations?participant={participant}&archived={(archived ? "true" : "false")}&limit=1");
            var page = await services.GetAsync<ConversationPage>(AppId, path, ct);
            if (!page.Succeeded)
            {
                return ApiResult<IReadOnlyList<Conversation>>.Failure(page.Problem);
            }

            if (page.Value.Items.Count > 0)
            {
                return ApiResult<IReadOnlyList<Conversation>>.Success(page.Value.Items);
            }
        }

        return ApiResult<IReadOnlyList<Conversation>>.Success([]);
    }

    /// <param name="before">The previous page's <c>nextCursor</c>, for older messages; null for the newest.</param>
    public Task<ApiResult<ConversationDetail>> GetAsync(Guid conversationId, string? before, CancellationToken ct)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/conversations/{conversationId}?limit={MessagesPerPage}");
        return services.GetAsync<ConversationDetail>(AppId, before is null ? path : $"{path}&before={Uri.EscapeDataString(before)}", ct);
    }

    public Task<ApiResult<Message>> SendAsync(Guid conversationId, string text, CancellationToken ct) =>
        services.SendAsync<Message>(HttpMethod.Post, AppId, $"api/conversations/{conversationId}/messages", new { text }, ct);

    /// <summary>Reads this message and every earlier one from the other side.</summary>
    public Task<ApiResult<ReadReceipt>> MarkReadAsync(Guid messageId, CancellationToken ct) =>
        services.SendAsync<ReadReceipt>(HttpMethod.Patch, AppId, $"api/messages/{messageId}/read", body: null, ct);

    public Task<ApiResult<Message>> EditAsync(Guid messageId, string text, CancellationToken ct) =>
        services.SendAsync<Message>(HttpMethod.Patch, AppId, $"api/messages/{messageId}", new { text }, ct);

    public Task<ApiResult> DeleteAsync(Guid messageId, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Delete, AppId, $"api/messages/{messageId}", body: null, ct);

    public Task<ApiResult> SignalTypingAsync(Guid conversationId, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Post, AppId, $"api/conversations/{conversationId}/typing", body: null, ct);

    public Task<ApiResult<Conversation>> ArchiveAsync(Guid conversationId, bool archived, CancellationToken ct) =>
        services.SendAsync<Conversation>(HttpMethod.Patch, AppId, $"api/conversations/{conversationId}/archive", new { archived }, ct);

    /// <summary>The person's live stream (all their conversations); the caller reads and disposes the response.</summary>
    public Task<(HttpResponseMessage? Response, ApiProblem? Problem)> OpenLiveAsync(CancellationToken ct) =>
        services.OpenStreamAsync(AppId, "api/messaging/live", ct);
}
