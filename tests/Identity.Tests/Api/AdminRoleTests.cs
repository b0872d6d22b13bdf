using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DaprPlatform.Identity.Tests.Api;

/// <summary>How admins come to be: the <c>Identity:Admins</c> list at registration and sign-in, and appointment by an admin.</summary>
public sealed class AdminRoleTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task A_listed_address_registers_as_an_admin_whatever_role_it_chose()
    {
        // The fixture lists it in capitals; registration normalises the case as it does for uniqueness.
        var admin = await api.RegisterAsync(api.SecondListedAdminEmail, role: "tutor");

        admin.Role.Should().Be("admin");
        RoleIn((await api.LoginAsync(admin)).AccessToken).Should().Be("admin");
        var registered = (await api.EventsAsync("user.registered", admin.Id)).Should().ContainSingle().Subject;
        registered.GetProperty("role").GetString().Should().Be("admin");
        (await api.EventsAsync("user.role-changed", admin.Id)).Should().BeEmpty("the account was an admin from its first row");
    }

    [Fact]
    public async Task A_person_listed_after_registering_becomes_admin_at_the_next_refresh_and_stays_one_after_leaving_the_list()
    {
        var person = await api.RegisterAsync($"listed-later-{Guid.NewGuid():N}@example.com", role: "tutor");
        var session = await api.LoginAsync(person);
        RoleIn(session.AccessToken).Should().Be("tutor");

        await using (var listed = api.CreateHost($"someone-else@example.com,{person.Email}"))
        {
            var refreshed = await api.RefreshAsync(session.RefreshToken, listed);
            RoleIn(refreshed.AccessToken).Should().Be("admin");
            RoleIn((await api.LoginAsync(person, host: listed)).AccessToken).Should().Be("admin");
        }

        var change = (await api.EventsAsync("user.role-changed", person.Id)).Should().ContainSingle("only the first sign-in changed the row").Subject;
        change.GetProperty("role").GetString().Should().Be("admin");
        change.GetProperty("previousRole").GetString().Should().Be("tutor");
        change.GetProperty("changedBy").ValueKind.Should().Be(JsonValueKind.Null, "configuration, not an admin, made the change");
        change.GetProperty("email").GetString().Should().Be(person.Email);

        // Taken off the list (and identity restarted): still an admin, at login and refresh alike.
        await using var unlisted = api.CreateHost(admins: null);
        var later = await api.LoginAsync(person, host: unlisted);
        RoleIn(later.AccessToken).Should().Be("admin");
        RoleIn((await api.RefreshAsync(later.RefreshToken, unlisted)).AccessToken).Should().Be("admin");
        (await api.ScalarAsync<string>("SELECT role FROM users WHERE id = @id", ("id", person.Id))).Should().Be("admin");
    }

    [Fact]
    public async Task Concurrent_first_sign_ins_of_a_newly_listed_person_publish_one_role_change()
    {
        var person = await api.RegisterAsync($"racing-admin-{Guid.NewGuid():N}@example.com");
        await using var listed = api.CreateHost(person.Email);

        var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.LoginAsync(person, host: listed)));

        sessions.Select(s => RoleIn(s.AccessToken)).Should().AllBe("admin");
        (await api.EventsAsync("user.role-changed", person.Id)).Should().ContainSingle();
    }

    [Fact]
    public async Task An_admin_appoints_an_admin_whose_next_token_carries_the_role_until_an_admin_withdraws_it()
    {
        var known = await api.GetKnownUsersAsync();
        using var admin = api.CreateClient(known.AdminSession.AccessToken);
        var candidate = await api.RegisterAsync();
        var candidateSession = await api.LoginAsync(candidate);

        using var appointed = await admin.PutAsJsonAsync($"/api/users/{candidate.Id}/role", new { role = " Admin " });

        appointed.StatusCode.Should().Be(HttpStatusCode.OK, await appointed.Content.ReadAsStringAsync());
        var body = await appointed.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("id").GetGuid().Should().Be(candidate.Id);
        body.GetProperty("role").GetString().Should().Be("admin");
        var change = (await api.EventsAsync("user.role-changed", candidate.Id)).Should().ContainSingle().Subject;
        change.GetProperty("role").GetString().Should().Be("admin");
        change.GetProperty("previousRole").GetString().Should().Be("student");
        change.GetProperty("changedBy").GetGuid().Should().Be(known.Admin.Id);

        // The access token in hand keeps its role until it ends; the next one, from the refresh, reads the row.
        RoleIn(candidateSession.AccessToken).Should().Be("student");
        var asAdmin = await api.RefreshAsync(candidateSession.RefreshToken);
        RoleIn(asAdmin.AccessToken).Should().Be("admin");

        // The new admin may appoint in turn.
        var tutor = await api.RegisterAsync();
        using (var newAdmin = api.CreateClient(asAdmin.AccessToken))
        using (var madeTutor = await newAdmin.PutAsJsonAsync($"/api/users/{tutor.Id}/role", new { role = "tutor" }))
        {
            madeTutor.StatusCode.Should().Be(HttpStatusCode.OK, await madeTutor.Content.ReadAsStringAsync());
            RoleIn((await api.LoginAsync(tutor)).AccessToken).Should().Be("tutor");
        }

        using var withdrawn = await admin.PutAsJsonAsync($"/api/users/{candidate.Id}/role", new { role = "channel-owner" });
        withdrawn.StatusCode.Should().Be(HttpStatusCode.OK, await withdrawn.Content.ReadAsStringAsync());
        var afterWithdrawal = await api.RefreshAsync(asAdmin.RefreshToken);
        RoleIn(afterWithdrawal.AccessToken).Should().Be("channel-owner");

        // Its admin access token has minutes left, but appointing is judged on the row: refused, nothing changed.
        var rolesBefore = await api.RolesAsync();
        using var former = api.CreateClient(asAdmin.AccessToken);
        using var refused = await former.PutAsJsonAsync($"/api/users/{candidate.Id}/role", new { role = "admin" });
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await refused.ReadProblemAsync();
        (await api.RolesAsync()).Should().Be(rolesBefore);
        (await api.EventsAsync("user.role-changed", candidate.Id)).Select(e => e.GetProperty("role").GetString())
            .Should().Equal("admin", "channel-owner");
    }

    [Fact]
    public async Task Giving_an_account_the_role_it_holds_changes_nothing_and_publishes_nothing()
    {
        var known = await api.GetKnownUsersAsync();
        using var admin = api.CreateClient(known.AdminSession.AccessToken);
        var student = await api.RegisterAsync();
        var updatedAt = await api.ScalarAsync<DateTime>("SELECT updated_at FROM users WHERE id = @id", ("id", student.Id));

        using var response = await admin.PutAsJsonAsync($"/api/users/{student.Id}/role", new { role = "student" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString().Should().Be("student");
        (await api.ScalarAsync<DateTime>("SELECT updated_at FROM users WHERE id = @id", ("id", student.Id))).Should().Be(updatedAt);
        (await api.EventsAsync("user.role-changed", student.Id)).Should().BeEmpty();
    }

    internal static string RoleIn(string accessToken) => new JsonWebToken(accessToken).GetClaim("role").Value;
}

/// <summary>The platform always keeps an admin: the last one cannot step down, also when two try at once.</summary>
public sealed class LastAdminTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task The_last_admin_cannot_give_up_the_role_and_of_two_stepping_down_at_once_one_stays()
    {
        // Bootstrapped from the list, then the operator takes the address off it (and restarts identity).
        var first = await api.RegisterAsync(api.ListedAdminEmail);
        var firstSession = await api.LoginAsync(first);
        var second = await api.RegisterAsync();
        var secondSession = await api.LoginAsync(second);
        using (var asFirst = api.CreateClient(firstSession.AccessToken))
        {
            await Appoint(asFirst, second.Id, "admin");
        }

        await using var unlisted = api.CreateHost(admins: null);
        var secondAdmin = await api.RefreshAsync(secondSession.RefreshToken, unlisted);
        using var asSecond = IdentityApiFixture.CreateClient(unlisted, secondAdmin.AccessToken);

        await Appoint(asSecond, first.Id, "tutor");
        var rolesBefore = await api.RolesAsync();
        using (var stepDown = await asSecond.PutAsJsonAsync($"/api/users/{second.Id}/role", new { role = "student" }))
        {
            stepDown.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await stepDown.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("last admin");
        }

        (await api.RolesAsync()).Should().Be(rolesBefore);

        var third = await api.RegisterAsync();
        var thirdSession = await api.LoginAsync(third, host: unlisted);
        await Appoint(asSecond, third.Id, "admin");
        var thirdAdmin = await api.RefreshAsync(thirdSession.RefreshToken, unlisted);
        using var asThird = IdentityApiFixture.CreateClient(unlisted, thirdAdmin.AccessToken);

        var answers = await Task.WhenAll(
            asSecond.PutAsJsonAsync($"/api/users/{second.Id}/role", new { role = "student" }),
            asThird.PutAsJsonAsync($"/api/users/{third.Id}/role", new { role = "student" }));

        answers.Select(a => a.StatusCode).Should().BeEquivalentTo([HttpStatusCode.OK, HttpStatusCode.Conflict]);
        (await api.ScalarAsync<long>("SELECT count(*) FROM users WHERE role = 'admin'")).Should().Be(1);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    private static async Task Appoint(HttpClient admin, Guid userId, string role)
    {
        using var response = await admin.PutAsJsonAsync($"/api/users/{userId}/role", new { role });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
