using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Bad input through the public edge: every case gets problem details with the right 4xx, never a 500,
/// and identity's database is unchanged afterwards (no user row, no outbox row).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class GatewayBadInputTests(PlatformFixture platform)
{
    private const string Password = "correct horse battery staple";

    public sealed record BadInputCase(string Name, Func<Context, HttpRequestMessage> Build, HttpStatusCode Status, string[] Fields)
    {
        /// <summary>Whether <see cref="Build"/> reads the <see cref="Context"/>: only those cases register its two users (a second each).</summary>
        public bool NeedsAccounts { get; init; }

        public override string ToString() => Name;
    }

    /// <summary>What a case needs to build its request: a registered email, its valid token and another user's id.</summary>
    public sealed record Context(string ExistingEmail, string AccessToken, Guid OtherUserId);

    public static TheoryData<BadInputCase> Cases() =>
    [
        new("malformed JSON", _ => Json(HttpMethod.Post, "/api/auth/register", "{\"email\": \"a@b.c\", "), HttpStatusCode.BadRequest, []),
        new("wrong content type", _ => new HttpRequestMessage(HttpMethod.Post, "/api/auth/register") { Content = new StringContent("email=a@b.c", Encoding.UTF8, "application/x-www-form-urlencoded") }, HttpStatusCode.UnsupportedMediaType, []),
        new("missing fields", _ => Json(HttpMethod.Post, "/api/auth/register", "{}"), HttpStatusCode.BadRequest, ["email", "password", "displayName"]),
        new("over-long display name", _ => Register($"long.{Guid.NewGuid():N}@example.com", Password, new string('x', 101)), HttpStatusCode.BadRequest, ["displayName"]),
        new("over-long email", _ => Register(new string('a', 250) + "@example.com", Password, "Ada"), HttpStatusCode.BadRequest, ["email"]),
        new("invalid email", _ => Register("not-an-email", Password, "Ada"), HttpStatusCode.BadRequest, ["email"]),
        new("weak password", _ => Register($"weak.{Guid.NewGuid():N}@example.com", "12345", "Ada"), HttpStatusCode.BadRequest, ["password"]),
        new("self-registered admin", _ => Json(HttpMethod.Post, "/api/auth/register", JsonSerializer.Serialize(new { email = $"adm.{Guid.NewGuid():N}@example.com", password = Password, displayName = "Eve", role = "admin" })), HttpStatusCode.BadRequest, ["role"]),
        new("duplicate email", c => Register(c.ExistingEmail, Password, "Ada again"), HttpStatusCode.Conflict, []) { NeedsAccounts = true },
        new("duplicate email in other case", c => Register(c.ExistingEmail.ToUpperInvariant(), Password, "Ada again"), HttpStatusCode.Conflict, []) { NeedsAccounts = true },
        new("wrong password", c => Json(HttpMethod.Post, "/api/auth/login", JsonSerializer.Serialize(new { email = c.ExistingEmail, password = "wrong password 123" })), HttpStatusCode.Unauthorized, []) { NeedsAccounts = true },
        new("unknown email", _ => Json(HttpMethod.Post, "/api/auth/login", JsonSerializer.Serialize(new { email = $"nobody.{Guid.NewGuid():N}@example.com", password = Password })), HttpStatusCode.Unauthorized, []),
        new("missing token", _ => new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), HttpStatusCode.Unauthorized, []),
        new("expired token", _ => Bearer(DevKeyTokens.Issue(DateTimeOffset.UtcNow.AddHours(-3))), HttpStatusCode.Unauthorized, []),
        new("forged token", _ => Bearer(DevKeyTokens.IssueWithRandomKey()), HttpStatusCode.Unauthorized, []),
        new("alg none token", _ => Bearer(new TestAccessTokens().IssueUnsigned(Guid.NewGuid(), "admin")), HttpStatusCode.Unauthorized, []),
        new("another user's profile", c => WithToken(Json(HttpMethod.Patch, $"/api/users/{c.OtherUserId}", "{\"displayName\":\"Mallory\"}"), c.AccessToken), HttpStatusCode.Forbidden, []) { NeedsAccounts = true },
        new("oversized body", _ => OversizedRegistration(), HttpStatusCode.RequestEntityTooLarge, []),
    ];

    /// <summary>Registers a user (logged in) and another one, for the cases that need them.</summary>
    private async Task<Context> AccountsAsync()
    {
        var existingEmail = $"existing.{Guid.NewGuid():N}@example.com";
        (await platform.Gateway.SendAsync(Register(existingEmail, Password, "Existing"))).EnsureSuccessStatusCode();
        var other = await platform.Gateway.SendAsync(Register($"other.{Guid.NewGuid():N}@example.com", Password, "Other"));
        other.EnsureSuccessStatusCode();
        var otherUserId = (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email = existingEmail, password = Password });
        login.EnsureSuccessStatusCode();
        return new Context(existingEmail, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!, otherUserId);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_problem_details_and_changes_nothing(BadInputCase badInput)
    {
        var context = badInput.NeedsAccounts ? await AccountsAsync() : new Context("", "", Guid.Empty);
        var usersBefore = await platform.CountRowsAsync("identity", "users");
        var outboxBefore = await platform.CountRowsAsync("identity", "outbox_messages");

        using var request = badInput.Build(context);
        var response = await platform.Gateway.SendAsync(request);

        response.StatusCode.Should().Be(badInput.Status, await response.Content.ReadAsStringAsync());
        var problem = await response.ReadProblemAsync();
        if (badInput.Fields.Length > 0)
        {
            problem.FieldErrors().Should().Contain(badInput.Fields);
        }

        (await platform.CountRowsAsync("identity", "users")).Should().Be(usersBefore);
        (await platform.CountRowsAsync("identity", "outbox_messages")).Should().Be(outboxBefore);
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>
    /// 2 MiB announced with Expect: 100-continue, as a careful client sends a large body: the gateway answers 413 from
    /// the Content-Length alone. Without it the client may still be writing when the server closes, and the test would
    /// see a broken pipe instead of the answer.
    /// </summary>
    private static HttpRequestMessage OversizedRegistration()
    {
        var request = Json(HttpMethod.Post, "/api/auth/register", "{\"displayName\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        request.Headers.ExpectContinue = true;
        return request;
    }

    private static HttpRequestMessage Register(string email, string password, string displayName) =>
        Json(HttpMethod.Post, "/api/auth/register", JsonSerializer.Serialize(new { email, password, displayName }));

    private static HttpRequestMessage Bearer(string token) => WithToken(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"), token);

    private static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Tokens signed with the development key from components/secrets.dev.json, the key identity really uses here.</summary>
    private static class DevKeyTokens
    {
        public static string Issue(DateTimeOffset issuedAt)
        {
            using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "components", "secrets.dev.json")));
            var jwt = secrets.RootElement.GetProperty("jwt");
            using var rsa = RSA.Create();
            rsa.ImportFromPem(jwt.GetProperty("signingKey").GetString());
            return Sign(new RsaSecurityKey(rsa) { KeyId = jwt.GetProperty("keyId").GetString() }, issuedAt);
        }

        public static string IssueWithRandomKey()
        {
            using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "components", "secrets.dev.json")));
            using var rsa = RSA.Create(2048);
            // The real key id, a different key: only the signature gives it away.
            return Sign(new RsaSecurityKey(rsa) { KeyId = secrets.RootElement.GetProperty("jwt").GetProperty("keyId").GetString() }, DateTimeOffset.UtcNow);
        }

        private static string Sign(SecurityKey key, DateTimeOffset issuedAt) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "daprplatform-identity",
                Audience = "daprplatform",
                IssuedAt = issuedAt.UtcDateTime,
                NotBefore = issuedAt.UtcDateTime,
                Expires = issuedAt.AddMinutes(15).UtcDateTime,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
                Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("role", "student")]),
            });
    }
}
