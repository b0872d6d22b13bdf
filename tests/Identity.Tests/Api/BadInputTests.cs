using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Identity.Tests.Api;

/// <summary>
/// Every bad request gets RFC 9457 problem details with the right 4xx (never a 500), names the offending fields,
/// and leaves the users, outbox and refresh-token tables exactly as they were.
/// </summary>
public sealed class BadInputTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    private const string Strong = IdentityApiFixture.StrongPassword;

    private sealed record Case(Func<KnownUsers, TestAccessTokens, HttpRequestMessage> Build, HttpStatusCode Status, params string[] Fields);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["register: malformed JSON → 400"] = new(
            (_, _) => Raw(HttpMethod.Post, "/api/auth/register", "{\"email\": \"a@example.com\", ", "application/json"), HttpStatusCode.BadRequest),
        ["register: wrong content type → 415"] = new(
            (_, _) => Raw(HttpMethod.Post, "/api/auth/register", "email=a@example.com", "text/plain"), HttpStatusCode.UnsupportedMediaType),
        ["register: JSON of the wrong type → 400"] = new(
            (_, _) => Raw(HttpMethod.Post, "/api/auth/register", "{\"email\": 5, \"password\": [], \"displayName\": {}}", "application/json"), HttpStatusCode.BadRequest),
        ["register: empty body → 400"] = new(
            (_, _) => Raw(HttpMethod.Post, "/api/auth/register", "", "application/json"), HttpStatusCode.BadRequest),
        ["register: all fields missing → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { }), HttpStatusCode.BadRequest, "email", "password", "displayName"),
        ["register: missing password → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), displayName = "Ann" }), HttpStatusCode.BadRequest, "password"),
        ["register: email over 254 characters → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = new string('a', 64) + "@" + new string('b', 190) + ".com", password = Strong, displayName = "Ann" }),
            HttpStatusCode.BadRequest, "email"),
        ["register: display name over 100 characters → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = Strong, displayName = new string('n', 101) }),
            HttpStatusCode.BadRequest, "displayName"),
        ["register: password over 128 characters → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = new string('a', 128) + "B1", displayName = "Ann" }),
            HttpStatusCode.BadRequest, "password"),
        ["register: invalid email → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = "not-an-email", password = Strong, displayName = "Ann" }),
            HttpStatusCode.BadRequest, "email"),
        ["register: weak password → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = "password", displayName = "Ann" }),
            HttpStatusCode.BadRequest, "password"),
        ["register: role admin → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = Strong, displayName = "Ann", role = "admin" }),
            HttpStatusCode.BadRequest, "role"),
        ["register: unknown role → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = Strong, displayName = "Ann", role = "superuser" }),
            HttpStatusCode.BadRequest, "role"),
        ["register: duplicate email → 409"] = new(
            (k, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = k.User.Email, password = Strong, displayName = "Copy" }), HttpStatusCode.Conflict),
        ["register: duplicate email differing only in case → 409"] = new(
            (k, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = k.User.Email.ToUpperInvariant(), password = Strong, displayName = "Copy" }),
            HttpStatusCode.Conflict),
        ["register: body over the 1 MiB limit → 413"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = Fresh(), password = Strong, displayName = new string('x', 2 * 1024 * 1024) }),
            HttpStatusCode.RequestEntityTooLarge),
        ["login: wrong password → 401"] = new(
            (k, _) => Json(HttpMethod.Post, "/api/auth/login", new { email = k.User.Email, password = "Wrong password 1" }), HttpStatusCode.Unauthorized),
        ["login: unknown email → 401"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/login", new { email = Fresh(), password = Strong }), HttpStatusCode.Unauthorized),
        ["login: missing fields → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/login", new { }), HttpStatusCode.BadRequest, "email", "password"),
        ["login: malformed JSON → 400"] = new(
            (_, _) => Raw(HttpMethod.Post, "/api/auth/login", "{email:", "application/json"), HttpStatusCode.BadRequest),
        ["refresh: missing token → 400"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/refresh", new { }), HttpStatusCode.BadRequest, "refreshToken"),
        ["refresh: unknown token → 401"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/refresh", new { refreshToken = new string('A', 43) }), HttpStatusCode.Unauthorized),
        ["refresh: garbage token → 401"] = new(
            (_, _) => Json(HttpMethod.Post, "/api/auth/refresh", new { refreshToken = "not a token" }), HttpStatusCode.Unauthorized),
        ["me: no token → 401"] = new(
            (_, _) => new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), HttpStatusCode.Unauthorized),
        ["me: expired token → 401"] = new(
            (k, t) => Bearer(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), t.IssueExpired(k.User.Id, "student")), HttpStatusCode.Unauthorized),
        ["me: token signed by a foreign key → 401"] = new(
            (k, t) => Bearer(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), t.IssueWithForeignKey(k.User.Id, "student")), HttpStatusCode.Unauthorized),
        ["me: alg none token → 401"] = new(
            (k, t) => Bearer(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), t.IssueUnsigned(k.User.Id, "admin")), HttpStatusCode.Unauthorized),
        ["me: malformed bearer → 401"] = new(
            (_, _) => Bearer(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), "abc.def"), HttpStatusCode.Unauthorized),
        ["patch: another user's profile → 403"] = new(
            (k, _) => Bearer(Json(HttpMethod.Patch, $"/api/users/{k.Other.Id}", new { displayName = "Hijack" }), k.Session.AccessToken), HttpStatusCode.Forbidden),
        ["patch: admin claim in an alg none token → 401"] = new(
            (k, t) => Bearer(Json(HttpMethod.Patch, $"/api/users/{k.Other.Id}", new { displayName = "Hijack" }), t.IssueUnsigned(k.User.Id, "admin")),
            HttpStatusCode.Unauthorized),
        ["patch: blank display name → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Patch, $"/api/users/{k.User.Id}", new { displayName = "   " }), k.Session.AccessToken),
            HttpStatusCode.BadRequest, "displayName"),
        ["patch: display name over 100 characters → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Patch, $"/api/users/{k.User.Id}", new { displayName = new string('n', 101) }), k.Session.AccessToken),
            HttpStatusCode.BadRequest, "displayName"),
        ["patch: no token → 401"] = new(
            (k, _) => Json(HttpMethod.Patch, $"/api/users/{k.User.Id}", new { displayName = "Anon" }), HttpStatusCode.Unauthorized),
        ["change-password: another user → 403"] = new(
            (k, _) => Bearer(Json(HttpMethod.Post, $"/api/users/{k.Other.Id}/change-password", new { currentPassword = Strong, newPassword = "Another secret 1" }), k.Session.AccessToken),
            HttpStatusCode.Forbidden),
        ["change-password: wrong current password → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Post, $"/api/users/{k.User.Id}/change-password", new { currentPassword = "Wrong password 1", newPassword = "Another secret 1" }), k.Session.AccessToken),
            HttpStatusCode.BadRequest, "currentPassword"),
        ["change-password: weak new password → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Post, $"/api/users/{k.User.Id}/change-password", new { currentPassword = Strong, newPassword = "short" }), k.Session.AccessToken),
            HttpStatusCode.BadRequest, "newPassword"),
        ["change-password: missing fields → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Post, $"/api/users/{k.User.Id}/change-password", new { }), k.Session.AccessToken),
            HttpStatusCode.BadRequest, "currentPassword", "newPassword"),
        ["role: a student for another account → 403"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "admin" }), k.Session.AccessToken), HttpStatusCode.Forbidden),
        ["role: a student making themselves admin → 403"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.User.Id}/role", new { role = "admin" }), k.Session.AccessToken), HttpStatusCode.Forbidden),
        ["role: a student, unknown id → 403"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{Guid.NewGuid()}/role", new { role = "tutor" }), k.Session.AccessToken), HttpStatusCode.Forbidden),
        ["role: token says admin, the account does not → 403"] = new(
            (k, t) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "admin" }), t.Issue(k.User.Id, "admin")), HttpStatusCode.Forbidden),
        ["role: no token → 401"] = new(
            (k, _) => Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "admin" }), HttpStatusCode.Unauthorized),
        ["role: admin claim in an alg none token → 401"] = new(
            (k, t) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "admin" }), t.IssueUnsigned(k.User.Id, "admin")),
            HttpStatusCode.Unauthorized),
        ["role: unknown role → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "superuser" }), k.AdminSession.AccessToken),
            HttpStatusCode.BadRequest, "role"),
        ["role: missing role → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { }), k.AdminSession.AccessToken), HttpStatusCode.BadRequest, "role"),
        ["role: blank role → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", new { role = "  " }), k.AdminSession.AccessToken), HttpStatusCode.BadRequest, "role"),
        ["role: role of the wrong JSON type → 400"] = new(
            (k, _) => Bearer(Raw(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", "{\"role\": [\"admin\"]}", "application/json"), k.AdminSession.AccessToken),
            HttpStatusCode.BadRequest),
        ["role: malformed JSON → 400"] = new(
            (k, _) => Bearer(Raw(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", "{\"role\": ", "application/json"), k.AdminSession.AccessToken),
            HttpStatusCode.BadRequest),
        ["role: empty body → 400"] = new(
            (k, _) => Bearer(Raw(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", "", "application/json"), k.AdminSession.AccessToken), HttpStatusCode.BadRequest),
        ["role: wrong content type → 415"] = new(
            (k, _) => Bearer(Raw(HttpMethod.Put, $"/api/users/{k.Other.Id}/role", "role=admin", "text/plain"), k.AdminSession.AccessToken),
            HttpStatusCode.UnsupportedMediaType),
        ["role: unknown user → 404"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{Guid.NewGuid()}/role", new { role = "tutor" }), k.AdminSession.AccessToken), HttpStatusCode.NotFound),
        ["role: demoting an admin listed in Identity:Admins → 409"] = new(
            (k, _) => Bearer(Json(HttpMethod.Put, $"/api/users/{k.Admin.Id}/role", new { role = "student" }), k.AdminSession.AccessToken), HttpStatusCode.Conflict),
        ["logout: no token → 401"] = new(
            (k, _) => Json(HttpMethod.Post, "/api/auth/logout", new { refreshToken = k.Session.RefreshToken }), HttpStatusCode.Unauthorized),
        ["logout: missing refresh token → 400"] = new(
            (k, _) => Bearer(Json(HttpMethod.Post, "/api/auth/logout", new { }), k.Session.AccessToken), HttpStatusCode.BadRequest, "refreshToken"),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_gets_problem_details_and_changes_nothing(string name)
    {
        var known = await api.GetKnownUsersAsync();
        var testCase = Cases[name];
        var before = await api.CountRowsAsync();
        var rolesBefore = await api.RolesAsync();
        using var client = api.CreateClient();
        using var request = testCase.Build(known, api.Tokens);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(testCase.Status, await response.Content.ReadAsStringAsync());
        var problem = await response.ReadProblemAsync();
        if (testCase.Fields.Length > 0)
        {
            problem.FieldErrors().Should().Contain(testCase.Fields);
        }

        (await api.CountRowsAsync()).Should().Be(before);
        (await api.RolesAsync()).Should().Be(rolesBefore);
        if (name.StartsWith("patch", StringComparison.Ordinal))
        {
            (await api.ScalarAsync<string>("SELECT display_name FROM users WHERE id = @id", ("id", known.Other.Id))).Should().Be(known.Other.DisplayName);
        }
    }

    private static string Fresh() => $"fresh-{Guid.NewGuid():N}@example.com";

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) =>
        // Serialized up front so Content-Length is declared, as browsers and most clients send it.
        new(method, path) { Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json") };

    private static HttpRequestMessage Raw(HttpMethod method, string path, string body, string contentType) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    private static HttpRequestMessage Bearer(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
