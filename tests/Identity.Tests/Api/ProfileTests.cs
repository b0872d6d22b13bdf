using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Identity.Tests.Api;

public sealed class ProfileTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task Me_returns_the_callers_profile()
    {
        var user = await api.RegisterAsync(displayName: "Mia Me");
        var pair = await api.LoginAsync(user);
        using var client = api.CreateClient(pair.AccessToken);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        me.GetProperty("id").GetGuid().Should().Be(user.Id);
        me.GetProperty("email").GetString().Should().Be(user.Email);
        me.GetProperty("displayName").GetString().Should().Be("Mia Me");
        me.GetProperty("role").GetString().Should().Be("student");
        me.GetProperty("createdAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task The_registration_location_is_readable_by_its_owner_and_admins_only()
    {
        var user = await api.RegisterAsync(displayName: "Lou Cation");
        var other = await api.RegisterAsync();
        using var owner = api.CreateClient((await api.LoginAsync(user)).AccessToken);
        using var stranger = api.CreateClient((await api.LoginAsync(other)).AccessToken);
        using var admin = api.CreateClient(api.Tokens.Issue(Guid.NewGuid(), "admin"));

        var own = await owner.GetFromJsonAsync<JsonElement>($"/api/users/{user.Id}");
        own.GetProperty("displayName").GetString().Should().Be("Lou Cation");

        using var forbidden = await stranger.GetAsync($"/api/users/{user.Id}");
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await forbidden.ReadProblemAsync();

        (await admin.GetFromJsonAsync<JsonElement>($"/api/users/{user.Id}")).GetProperty("id").GetGuid().Should().Be(user.Id);
        using var missing = await admin.GetAsync($"/api/users/{Guid.NewGuid()}");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await missing.ReadProblemAsync();
    }

    [Fact]
    public async Task A_user_may_rename_themselves_but_not_someone_else()
    {
        var user = await api.RegisterAsync();
        var other = await api.RegisterAsync(displayName: "Untouched");
        var pair = await api.LoginAsync(user);
        using var client = api.CreateClient(pair.AccessToken);

        using var renamed = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { displayName = "  New Name " });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString().Should().Be("New Name");

        using var unchanged = await client.PatchAsJsonAsync($"/api/users/{user.Id}", new { });
        unchanged.StatusCode.Should().Be(HttpStatusCode.OK);
        (await unchanged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString().Should().Be("New Name");

        using var forbidden = await client.PatchAsJsonAsync($"/api/users/{other.Id}", new { displayName = "Hijacked" });
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await forbidden.ReadProblemAsync();
        (await api.ScalarAsync<string>("SELECT display_name FROM users WHERE id = @id", ("id", other.Id))).Should().Be("Untouched");
    }

    [Fact]
    public async Task An_admin_may_rename_anyone_and_gets_404_for_unknown_ids()
    {
        var user = await api.RegisterAsync();
        // Admins are never self-registered; a token signed with identity's key stands in for one appointed later.
        using var admin = api.CreateClient(api.Tokens.Issue(Guid.NewGuid(), "admin"));

        using var renamed = await admin.PatchAsJsonAsync($"/api/users/{user.Id}", new { displayName = "Moderated" });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.ScalarAsync<string>("SELECT display_name FROM users WHERE id = @id", ("id", user.Id))).Should().Be("Moderated");

        using var missing = await admin.PatchAsJsonAsync($"/api/users/{Guid.NewGuid()}", new { displayName = "Ghost" });
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await missing.ReadProblemAsync();
    }

    [Fact]
    public async Task Changing_the_password_replaces_it_and_ends_every_session()
    {
        var user = await api.RegisterAsync();
        var firstSession = await api.LoginAsync(user);
        var secondSession = await api.LoginAsync(user);
        using var client = api.CreateClient(firstSession.AccessToken);
        const string newPassword = "Brand new secret 7";

        using var changed = await client.PostAsJsonAsync($"/api/users/{user.Id}/change-password",
            new { currentPassword = user.Password, newPassword });
        changed.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var anonymous = api.CreateClient();
        foreach (var session in new[] { firstSession, secondSession })
        {
            using var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = session.RefreshToken });
            refresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var oldLogin = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = user.Password });
        oldLogin.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await api.LoginAsync(user, newPassword);
        (await api.ScalarAsync<long>(
            "SELECT count(*) FROM refresh_token_families WHERE user_id = @id AND revocation_reason = 'PasswordChanged'", ("id", user.Id)))
            .Should().Be(2);
    }
}
