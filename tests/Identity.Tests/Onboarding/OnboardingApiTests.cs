using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Identity.Tests.Api;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Identity.Tests.Onboarding;

/// <summary>The invocation-only endpoints the onboarding saga calls: credential exchange, idempotent create, delete with user.deleted.</summary>
public sealed class OnboardingApiTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    private const string Strong = IdentityApiFixture.StrongPassword;

    [Fact]
    public async Task Credential_then_create_makes_a_user_who_can_log_in_and_publishes_user_registered_marked_as_onboarding()
    {
        var email = Fresh();
        var credentialRef = await IssueCredentialAsync(email, role: "tutor");

        // Only the hash is parked; the password itself never reaches the database.
        var parkedHash = await api.ScalarAsync<string>("SELECT password_hash FROM onboarding_credentials WHERE id = @id", ("id", credentialRef));
        parkedHash.Should().StartWith("pbkdf2-sha256$").And.NotContain(Strong);

        using var client = SidecarCaller();
        using var created = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-1:CreateAccount" });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var userId = user.GetProperty("id").GetGuid();
        user.GetProperty("role").GetString().Should().Be("tutor");

        await api.LoginAsync(new RegisteredUser(userId, email, Strong, "Ann", "tutor"));
        var origin = await api.ScalarAsync<string>(
            "SELECT payload->>'origin' FROM outbox_messages WHERE topic = 'user.registered' AND payload->>'userId' = @id", ("id", userId.ToString()));
        origin.Should().Be("onboarding", "notifications must leave the welcome to the saga");
        (await api.ScalarAsync<string>("SELECT password_hash FROM onboarding_credentials WHERE id = @id", ("id", credentialRef)))
            .Should().BeNull("a redeemed credential keeps no hash");
    }

    [Fact]
    public async Task A_listed_address_signed_up_through_the_saga_is_an_admin_from_the_start()
    {
        var credentialRef = await IssueCredentialAsync(api.SecondListedAdminEmail, role: "tutor");
        using var client = SidecarCaller();

        using var created = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-admin:CreateAccount" });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var userId = user.GetProperty("id").GetGuid();
        user.GetProperty("role").GetString().Should().Be("admin");
        (await api.EventsAsync("user.registered", userId)).Should().ContainSingle().Which.GetProperty("role").GetString().Should().Be("admin");
        (await api.EventsAsync("user.role-changed", userId)).Should().BeEmpty();
    }

    [Fact]
    public async Task Replaying_create_with_the_same_idempotency_key_returns_the_same_user_without_a_second_event()
    {
        // Dapr rule: activities run at least once, so the step they call must be idempotent per key.
        var credentialRef = await IssueCredentialAsync(Fresh());
        using var client = SidecarCaller();
        using var first = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-2:CreateAccount" });
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        var before = await api.CountRowsAsync();

        using var replay = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-2:CreateAccount" });

        replay.StatusCode.Should().Be(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()
            .Should().Be((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        (await api.CountRowsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_redeemed_credential_cannot_be_used_with_another_key()
    {
        var credentialRef = await IssueCredentialAsync(Fresh());
        using var client = SidecarCaller();
        using var first = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-3:CreateAccount" });
        first.StatusCode.Should().Be(HttpStatusCode.Created);

        using var other = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-other:CreateAccount" });

        other.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await other.ReadProblemAsync();
    }

    [Fact]
    public async Task Credential_for_a_taken_email_is_409_with_an_email_field_error()
    {
        var known = await api.GetKnownUsersAsync();
        using var client = SidecarCaller();

        using var response = await client.PostAsJsonAsync("/internal/onboarding/credentials",
            new { email = known.User.Email.ToUpperInvariant(), password = Strong, displayName = "Copy" });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.ReadProblemAsync()).FieldErrors().Should().Equal("email");
    }

    [Fact]
    public async Task Delete_removes_the_account_and_its_refresh_tokens_and_publishes_user_deleted_once()
    {
        var user = await api.RegisterAsync();
        await api.LoginAsync(user);
        using var client = SidecarCaller();

        using var deleted = await client.DeleteAsync($"/internal/users/{user.Id}");
        using var again = await client.DeleteAsync($"/internal/users/{user.Id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        again.StatusCode.Should().Be(HttpStatusCode.NoContent, "deleting twice is a no-op (compensations are redelivered)");
        (await api.ScalarAsync<long>("SELECT count(*) FROM users WHERE id = @id", ("id", user.Id))).Should().Be(0);
        (await api.ScalarAsync<long>("SELECT count(*) FROM refresh_token_families WHERE user_id = @id", ("id", user.Id))).Should().Be(0);
        (await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE topic = 'user.deleted' AND payload->>'userId' = @id", ("id", user.Id.ToString())))
            .Should().Be(1);
        var email = await api.ScalarAsync<string>("SELECT payload->>'email' FROM outbox_messages WHERE topic = 'user.deleted' AND payload->>'userId' = @id", ("id", user.Id.ToString()));
        email.Should().Be(user.Email);
    }

    [Fact]
    public async Task Create_after_the_account_was_deleted_answers_410_for_the_same_key()
    {
        var credentialRef = await IssueCredentialAsync(Fresh());
        using var client = SidecarCaller();
        using var created = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-4:CreateAccount" });
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var deleted = await client.DeleteAsync($"/internal/users/{userId}");

        using var replay = await client.PostAsJsonAsync("/internal/users", new { credentialRef, idempotencyKey = "wf-4:CreateAccount" });

        replay.StatusCode.Should().Be(HttpStatusCode.Gone);
        await replay.ReadProblemAsync();
    }

    public static TheoryData<string> BadInputCases() => new(BadInput.Keys);

    [Theory]
    [MemberData(nameof(BadInputCases))]
    public async Task Bad_input_is_a_problem_with_field_errors_and_changes_nothing(string name)
    {
        var (request, status, fields) = BadInput[name]();
        // "no caller": not through a sidecar at all; "another app": through one, but from an app the route does not admit.
        using var client = name.StartsWith("no caller", StringComparison.Ordinal) ? api.CreateClient()
            : name.StartsWith("another app", StringComparison.Ordinal) ? SidecarCaller("gateway")
            : SidecarCaller();
        var before = await api.CountRowsAsync();
        var credentialsBefore = await api.ScalarAsync<long>("SELECT count(*) FROM onboarding_credentials");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        (await api.CountRowsAsync()).Should().Be(before);
        (await api.ScalarAsync<long>("SELECT count(*) FROM onboarding_credentials")).Should().Be(credentialsBefore);
        request.Dispose();
    }

    private static readonly Dictionary<string, Func<(HttpRequestMessage, HttpStatusCode, string[])>> BadInput = new()
    {
        ["credentials: all fields missing"] = () => (Json("/internal/onboarding/credentials", new { }), HttpStatusCode.BadRequest, ["email", "password", "displayName"]),
        ["credentials: weak password"] = () => (Json("/internal/onboarding/credentials", new { email = Fresh(), password = "password", displayName = "Ann" }), HttpStatusCode.BadRequest, ["password"]),
        ["credentials: admin role"] = () => (Json("/internal/onboarding/credentials", new { email = Fresh(), password = Strong, displayName = "Ann", role = "admin" }), HttpStatusCode.BadRequest, ["role"]),
        ["credentials: invalid email"] = () => (Json("/internal/onboarding/credentials", new { email = "nope", password = Strong, displayName = "Ann" }), HttpStatusCode.BadRequest, ["email"]),
        ["credentials: malformed JSON"] = () => (Raw("/internal/onboarding/credentials", "{\"email\":"), HttpStatusCode.BadRequest, []),
        ["users: fields missing"] = () => (Json("/internal/users", new { }), HttpStatusCode.BadRequest, ["credentialRef", "idempotencyKey"]),
        ["users: key over 200 characters"] = () => (Json("/internal/users", new { credentialRef = Guid.NewGuid(), idempotencyKey = new string('k', 201) }), HttpStatusCode.BadRequest, ["idempotencyKey"]),
        ["users: credentialRef not a GUID"] = () => (Json("/internal/users", new { credentialRef = "abc", idempotencyKey = "k" }), HttpStatusCode.BadRequest, []),
        ["users: unknown credential"] = () => (Json("/internal/users", new { credentialRef = Guid.NewGuid(), idempotencyKey = "k-unknown" }), HttpStatusCode.NotFound, []),
        ["users: delete with a non-GUID id"] = () => (new HttpRequestMessage(HttpMethod.Delete, "/internal/users/not-a-guid"), HttpStatusCode.NotFound, []),
        ["no caller app id: credentials"] = () => (Json("/internal/onboarding/credentials", new { email = Fresh(), password = Strong, displayName = "Ann" }), HttpStatusCode.Forbidden, []),
        ["no caller app id: delete"] = () => (new HttpRequestMessage(HttpMethod.Delete, $"/internal/users/{Guid.NewGuid()}"), HttpStatusCode.Forbidden, []),
        ["another app: credentials"] = () => (Json("/internal/onboarding/credentials", new { email = Fresh(), password = Strong, displayName = "Ann" }), HttpStatusCode.Forbidden, []),
        ["another app: users"] = () => (Json("/internal/users", new { credentialRef = Guid.NewGuid(), idempotencyKey = "k-other-app" }), HttpStatusCode.Forbidden, []),
        ["another app: delete"] = () => (new HttpRequestMessage(HttpMethod.Delete, $"/internal/users/{Guid.NewGuid()}"), HttpStatusCode.Forbidden, []),
    };

    private async Task<Guid> IssueCredentialAsync(string email, string? role = null)
    {
        using var client = SidecarCaller();
        using var response = await client.PostAsJsonAsync("/internal/onboarding/credentials", new { email, password = Strong, displayName = "Ann", role });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credentialRef").GetGuid();
    }

    /// <summary>What a call through the sidecar looks like to the app: daprd stamps the caller's app id.</summary>
    private HttpClient SidecarCaller(string callerAppId = "workflows")
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("dapr-caller-app-id", callerAppId);
        return client;
    }

    private static string Fresh() => $"onb-{Guid.NewGuid():N}@example.com";

    private static HttpRequestMessage Json(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Raw(string path, string body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
