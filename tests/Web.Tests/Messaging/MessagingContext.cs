using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Components;
using DaprPlatform.Web.Features.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>The messaging pages over the fake sidecar, rendered as in a live circuit, with messaging's JSON at hand.</summary>
public abstract class MessagingContext : WebComponentContext
{
    protected const string App = "messaging";
    protected const string LivePath = "api/messaging/live";

    protected static readonly Guid ConversationId = Guid.Parse("0c0f5a3e-2b1d-4c6e-8f7a-9b8c7d6e5f40");
    protected static readonly Guid TutorId = Guid.Parse("7d3c1f0e-5b6a-4f1e-9c2d-8a7b6c5d4e3f");
    protected static readonly DateTimeOffset Earlier = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    protected MessagingContext() => Services.AddMessagingFeatures().AddStudentFeatures().AddReviewFeatures();

    /// <summary>The signed-in person's id (a student unless a test signs in otherwise).</summary>
    protected Guid Me { get; private set; }

    /// <summary>A student named Sam, signed in, on an interactive page (the renderer can only be set once the services are built).</summary>
    protected Guid SignInStudent(bool interactive = true)
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return Me = SignIn(PlatformRoles.Student, "Sam Student");
    }

    protected static string Conversation(Guid? id = null, Guid? me = null, string other = "Tess Tutor", int unread = 0, bool archived = false,
        string? lastPreview = null, Guid? lastSender = null, bool lastDeleted = false, DateTimeOffset? lastActivity = null)
    {
        var studentId = me ?? Guid.NewGuid();
        return JsonSerializer.Serialize(new
        {
            id = id ?? Guid.NewGuid(),
            student = new { id = studentId, name = "Sam Student" },
            tutor = new { id = TutorId, name = other },
            otherParticipant = new { id = TutorId, name = other },
            bookingId = (Guid?)null,
            archived,
            unread,
            lastMessage = lastPreview is null && !lastDeleted ? null : new
            {
                id = Guid.NewGuid(), senderId = lastSender ?? TutorId, preview = lastDeleted ? "" : lastPreview, sentAt = lastActivity ?? Earlier, deleted = lastDeleted,
            },
            createdAt = Earlier.AddDays(-1),
            lastActivityAt = lastActivity ?? Earlier,
        }, JsonSerializerOptions.Web);
    }

    protected static string ListOf(string? nextCursor, params string[] conversations) =>
        $$"""{"items":[{{string.Join(',', conversations)}}],"nextCursor":{{(nextCursor is null ? "null" : $"\"{nextCursor}\"")}}}""";

    protected static string Message(Guid id, Guid sender, string? text, DateTimeOffset sentAt, DateTimeOffset? editedAt = null, bool deleted = false,
        DateTimeOffset? readAt = null) =>
        JsonSerializer.Serialize(new
        {
            id, conversationId = ConversationId, senderId = sender, text = deleted ? null : text, sentAt, editedAt, deleted,
            deletedAt = deleted ? sentAt.AddMinutes(1) : (DateTimeOffset?)null, readAt,
        }, JsonSerializerOptions.Web);

    /// <summary>GET /api/conversations/{id}: messages given newest first, as messaging answers.</summary>
    protected string Detail(string? nextCursor, params string[] newestFirst) =>
        $$"""{"conversation":{{Conversation(ConversationId, Me)}},"messages":[{{string.Join(',', newestFirst)}}],"nextCursor":{{(nextCursor is null ? "null" : $"\"{nextCursor}\"")}}}""";

    protected void AnswerDetail(string json) => Answer(App, "GET", $"api/conversations/{ConversationId}", 200, json);

    /// <summary>The live stream answers these events and ends (the page opens it again at once, as after Dapr's timeout).</summary>
    protected void AnswerLive(params (string Event, string Data)[] events) =>
        Answer(App, "GET", LivePath, 200, string.Concat(events.Select(e => $"event: {e.Event}\ndata: {e.Data}\n\n")));

    protected IReadOnlyList<JsonElement> BodiesSent(string method, string path) =>
        CallsTo(App).Where(r => r.Method == method && r.Path.EndsWith(path, StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();

    protected int CallsOf(string method, string path) =>
        CallsTo(App).Count(r => r.Method == method && r.Path.EndsWith(path, StringComparison.Ordinal));
}
