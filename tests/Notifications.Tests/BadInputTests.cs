using System.Net;
using System.Text;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

public sealed class BadInputTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private const string Json = "application/json";

    public static TheoryData<string, string, string, string?, string?, int, string?> Cases() => new()
    {
        // name, method, path, content type, body, expected status, expected field error
        { "pageSize 0", "GET", "/api/notifications?pageSize=0", null, null, 400, "pageSize" },
        { "pageSize 101", "GET", "/api/notifications?pageSize=101", null, null, 400, "pageSize" },
        { "pageSize text", "GET", "/api/notifications?pageSize=ten", null, null, 400, "pageSize" },
        { "page 0", "GET", "/api/notifications?page=0", null, null, 400, "page" },
        { "page negative", "GET", "/api/notifications?page=-1", null, null, 400, "page" },
        { "telegram on without chat id", "PUT", "/api/notifications/preferences", Json, """{"inApp":true,"telegram":true,"email":false}""", 400, "telegramChatId" },
        { "telegram on with blank chat id", "PUT", "/api/notifications/preferences", Json, """{"inApp":true,"telegram":true,"email":false,"telegramChatId":"  "}""", 400, "telegramChatId" },
        { "chat id not telegram's", "PUT", "/api/notifications/preferences", Json, """{"inApp":true,"telegram":true,"email":false,"telegramChatId":"drop table"}""", 400, "telegramChatId" },
        { "chat id too long", "PUT", "/api/notifications/preferences", Json, $$"""{"inApp":true,"telegram":false,"email":false,"telegramChatId":"{{new string('1', 80)}}"}""", 400, "telegramChatId" },
        { "missing inApp", "PUT", "/api/notifications/preferences", Json, """{"telegram":false,"email":false}""", 400, "inApp" },
        { "missing email", "PUT", "/api/notifications/preferences", Json, """{"inApp":true,"telegram":false}""", 400, "email" },
        { "json null", "PUT", "/api/notifications/preferences", Json, "null", 400, null },
        { "malformed json", "PUT", "/api/notifications/preferences", Json, """{"inApp":tru""", 400, null },
        { "wrong type", "PUT", "/api/notifications/preferences", Json, """{"inApp":"yes","telegram":false,"email":false}""", 400, null },
        { "wrong content type", "PUT", "/api/notifications/preferences", "text/plain", """{"inApp":true,"telegram":false,"email":false}""", 415, null },
        { "oversized body", "PUT", "/api/notifications/preferences", Json, $$"""{"inApp":true,"telegram":false,"email":false,"x":"{{new string('x', 1100 * 1024)}}"}""", 413, null },
        { "read with non-guid id", "POST", "/api/notifications/not-a-guid/read", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_with_the_right_status_and_writes_nothing(
        string name, string method, string path, string? contentType, string? body, int status, string? field)
    {
        var me = Guid.NewGuid();
        using var client = fx.Factory.CreateClientFor(me);

        await client.ShouldRejectAsync(new HttpMethod(method), path, contentType, body, status, field, name);

        (await fx.Factory.WithDbAsync(db => db.Preferences.CountAsync(p => p.UserId == me))).Should().Be(0, name);
    }

    [Theory]
    [InlineData("GET", "/api/notifications")]
    [InlineData("GET", "/api/notifications/unread-count")]
    [InlineData("POST", "/api/notifications/read-all")]
    [InlineData("GET", "/api/notifications/preferences")]
    [InlineData("PUT", "/api/notifications/preferences")]
    public async Task Without_a_valid_token_every_route_is_401(string method, string path)
    {
        var user = Guid.NewGuid();
        foreach (var token in new string?[] { null, fx.Factory.Tokens.IssueExpired(user, PlatformRoles.Student), fx.Factory.Tokens.IssueWithForeignKey(user, PlatformRoles.Student), fx.Factory.Tokens.IssueUnsigned(user, PlatformRoles.Student) })
        {
            using var client = fx.Factory.CreateClient();
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            if (method == "PUT")
            {
                request.Content = new StringContent("""{"inApp":true,"telegram":false,"email":false}""", Encoding.UTF8, Json);
            }

            using var response = await client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            await response.ReadProblemAsync();
        }

        (await fx.Factory.WithDbAsync(db => db.Preferences.CountAsync(p => p.UserId == user))).Should().Be(0);
    }
}
