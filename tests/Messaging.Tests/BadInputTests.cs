using System.Net;
using System.Text;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Tests;

/// <summary>
/// Every public route refuses bad input with problem details and the right 4xx, and writes nothing; a third user gets
/// 404 for everything of a conversation they are not part of; no token, 401. Paths use {c} for the pair's conversation
/// and {m} for one of its messages.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class BadInputTests(MessagingFixture fx) : IAsyncLifetime
{
    private const string Json = "application/json";
    private Pair _pair = null!;
    private Guid _messageId;

    public static TheoryData<string, string, string, string?, string?, int, string?> Cases() => new()
    {
        // name, method, path, content type, body, expected status, expected field error
        { "start: no body", "POST", "/api/conversations", Json, "null", 400, "body" },
        { "start: no tutorId", "POST", "/api/conversations", Json, "{}", 400, "tutorId" },
        { "start: empty tutorId", "POST", "/api/conversations", Json, $$"""{"tutorId":"{{Guid.Empty}}"}""", 400, "tutorId" },
        { "start: empty bookingId", "POST", "/api/conversations", Json, $$"""{"tutorId":"{{Guid.NewGuid()}}","bookingId":"{{Guid.Empty}}"}""", 400, "bookingId" },
        { "start: tutorId not a guid", "POST", "/api/conversations", Json, """{"tutorId":"grace"}""", 400, null },
        { "start: bookingId not a guid", "POST", "/api/conversations", Json, $$"""{"tutorId":"{{Guid.NewGuid()}}","bookingId":"b-1"}""", 400, null },
        { "start: unknown booking", "POST", "/api/conversations", Json, $$"""{"tutorId":"{{Guid.NewGuid()}}","bookingId":"{{Guid.NewGuid()}}"}""", 422, "bookingId" },
        { "start: malformed json", "POST", "/api/conversations", Json, """{"tutorId":""", 400, null },
        { "start: wrong content type", "POST", "/api/conversations", "text/plain", "{}", 415, null },
        { "start: oversized body", "POST", "/api/conversations", Json, $$"""{"x":"{{new string('x', 1100 * 1024)}}"}""", 413, null },
        { "list: limit 0", "GET", "/api/conversations?limit=0", null, null, 400, "limit" },
        { "list: limit 101", "GET", "/api/conversations?limit=101", null, null, 400, "limit" },
        { "list: limit text", "GET", "/api/conversations?limit=ten", null, null, 400, "limit" },
        { "list: archived not a bool", "GET", "/api/conversations?archived=maybe", null, null, 400, "archived" },
        { "list: forged cursor", "GET", "/api/conversations?cursor=not-a-cursor", null, null, 400, "cursor" },
        { "list: a message cursor", "GET", "/api/conversations?cursor=bTo0Mg", null, null, 400, "cursor" },
        { "list: participant not a guid", "GET", "/api/conversations?participant=grace", null, null, 400, "participant" },
        { "list: participant empty guid", "GET", $"/api/conversations?participant={Guid.Empty}", null, null, 400, "participant" },
        { "list: participant blank", "GET", "/api/conversations?participant=", null, null, 400, "participant" },
        { "list: participant and a bad limit", "GET", $"/api/conversations?participant={Guid.NewGuid()}&limit=0", null, null, 400, "limit" },
        { "unread: a POST", "POST", "/api/conversations/unread", Json, "{}", 405, null },
        { "get: forged before", "GET", "/api/conversations/{c}?before=zzz", null, null, 400, "before" },
        { "get: limit -1", "GET", "/api/conversations/{c}?limit=-1", null, null, 400, "limit" },
        { "get: id not a guid", "GET", "/api/conversations/abc", null, null, 404, null },
        { "send: no body", "POST", "/api/conversations/{c}/messages", Json, "null", 400, "body" },
        { "send: no text", "POST", "/api/conversations/{c}/messages", Json, "{}", 400, "text" },
        { "send: blank text", "POST", "/api/conversations/{c}/messages", Json, """{"text":"   "}""", 400, "text" },
        { "send: text too long", "POST", "/api/conversations/{c}/messages", Json, $$"""{"text":"{{new string('a', 4001)}}"}""", 400, "text" },
        { "send: text a number", "POST", "/api/conversations/{c}/messages", Json, """{"text":42}""", 400, null },
        { "send: wrong content type", "POST", "/api/conversations/{c}/messages", "text/plain", "hello", 415, null },
        { "send: unknown conversation", "POST", $"/api/conversations/{Guid.NewGuid()}/messages", Json, """{"text":"hi"}""", 404, null },
        { "edit: no body", "PATCH", "/api/messages/{m}", Json, "null", 400, "body" },
        { "edit: blank text", "PATCH", "/api/messages/{m}", Json, """{"text":""}""", 400, "text" },
        { "edit: text too long", "PATCH", "/api/messages/{m}", Json, $$"""{"text":"{{new string('a', 4001)}}"}""", 400, "text" },
        { "edit: malformed json", "PATCH", "/api/messages/{m}", Json, """{"text":""", 400, null },
        { "edit: unknown message", "PATCH", $"/api/messages/{Guid.NewGuid()}", Json, """{"text":"hi"}""", 404, null },
        { "read: unknown message", "PATCH", $"/api/messages/{Guid.NewGuid()}/read", null, null, 404, null },
        { "delete: unknown message", "DELETE", $"/api/messages/{Guid.NewGuid()}", null, null, 404, null },
        { "archive: no body", "PATCH", "/api/conversations/{c}/archive", Json, "null", 400, "archived" },
        { "archive: no archived", "PATCH", "/api/conversations/{c}/archive", Json, "{}", 400, "archived" },
        { "archive: archived a string", "PATCH", "/api/conversations/{c}/archive", Json, """{"archived":"yes"}""", 400, null },
        { "archive: unknown conversation", "PATCH", $"/api/conversations/{Guid.NewGuid()}/archive", Json, """{"archived":true}""", 404, null },
        { "typing: unknown conversation", "POST", $"/api/conversations/{Guid.NewGuid()}/typing", null, null, 404, null },
    };

    public static TheoryData<string, string, string?> EveryRoute() => new()
    {
        { "POST", "/api/conversations", $$"""{"tutorId":"{{Guid.NewGuid()}}"}""" },
        { "GET", "/api/conversations", null },
        { "GET", "/api/conversations/unread", null },
        { "GET", "/api/conversations/{c}", null },
        { "POST", "/api/conversations/{c}/messages", """{"text":"hi"}""" },
        { "PATCH", "/api/conversations/{c}/archive", """{"archived":true}""" },
        { "POST", "/api/conversations/{c}/typing", null },
        { "PATCH", "/api/messages/{m}/read", null },
        { "PATCH", "/api/messages/{m}", """{"text":"hi"}""" },
        { "DELETE", "/api/messages/{m}", null },
        { "GET", "/api/messaging/live", null },
    };

    public async Task InitializeAsync()
    {
        _pair = await fx.StartPairAsync();
        _messageId = (await _pair.SendAsync(_pair.Tutor, "Hello")).GetProperty("id").GetGuid();
    }

    public Task DisposeAsync()
    {
        _pair.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_with_the_right_status_and_writes_nothing(
        string name, string method, string path, string? contentType, string? body, int status, string? field)
    {
        var before = await StateAsync();

        // Over real sockets: the client waits for the verdict before it sends a body, so a 413 answered before reading the
        // 1 MiB body never meets a connection reset while the client is still writing it.
        await _pair.Student.ShouldRejectAsync(new HttpMethod(method), Fill(path), contentType, body, status, field, name,
            request => request.Headers.ExpectContinue = body is not null);

        (await StateAsync()).Should().Be(before, name);
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task A_third_user_finds_nothing_of_the_conversation(string method, string path, string? body)
    {
        if (path is "/api/conversations" or "/api/conversations/unread" or "/api/messaging/live")
        {
            return; // Not about one conversation: the list and the unread total are checked below, the stream in the live tests.
        }

        var before = await StateAsync();
        foreach (var role in new[] { PlatformRoles.Student, PlatformRoles.Tutor, PlatformRoles.Admin })
        {
            using var stranger = fx.ClientFor(Guid.NewGuid(), role);
            await stranger.ShouldRejectAsync(new HttpMethod(method), Fill(path), body is null ? null : Json, body, 404, null, $"{role} {method} {path}");
            var list = await stranger.GetStringAsync("/api/conversations");
            list.Should().NotContain(_pair.ConversationId.ToString());
            (await stranger.GetStringAsync($"/api/conversations?participant={_pair.TutorId}")).Should().NotContain(_pair.ConversationId.ToString());
            (await stranger.GetStringAsync("/api/conversations/unread")).Should().Be("""{"unread":0,"conversations":0}""");
        }

        (await StateAsync()).Should().Be(before);
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Without_a_valid_token_every_route_is_401(string method, string path, string? body)
    {
        var before = await StateAsync();
        var user = Guid.NewGuid();
        foreach (var token in new string?[] { null, fx.Tokens.IssueExpired(user, PlatformRoles.Student), fx.Tokens.IssueWithForeignKey(user, PlatformRoles.Student), fx.Tokens.IssueUnsigned(user, PlatformRoles.Student) })
        {
            using var client = fx.Host.App.CreateClient();
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
            if (token is not null) { request.Headers.Authorization = new("Bearer", token); }
            if (body is not null) { request.Content = new StringContent(body, Encoding.UTF8, Json); }

            using var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{method} {path}");
            await response.ReadProblemAsync();
        }

        (await StateAsync()).Should().Be(before);
    }

    private string Fill(string path) => path.Replace("{c}", _pair.ConversationId.ToString(), StringComparison.Ordinal).Replace("{m}", _messageId.ToString(), StringComparison.Ordinal);

    /// <summary>Everything a request could change: rows, texts, flags, read marks, versions and pending events.</summary>
    private Task<string> StateAsync() => fx.WithDbAsync(async db =>
    {
        var conversations = await db.Conversations.AsNoTracking().OrderBy(c => c.Sequence)
            .Select(c => $"{c.Id}:{c.Version}:{c.StudentArchived}:{c.TutorArchived}:{c.BookingId}:{c.LastActivityAt.UtcTicks}").ToListAsync();
        var messages = await db.Messages.AsNoTracking().OrderBy(m => m.Position)
            .Select(m => $"{m.Id}:{m.Text}:{m.EditedAt}:{m.DeletedAt}:{m.ReadAt}").ToListAsync();
        var events = await db.OutboxMessages.CountAsync();
        return $"{string.Join('|', conversations)}\n{string.Join('|', messages)}\n{events}";
    });
}
