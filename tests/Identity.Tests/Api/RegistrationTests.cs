using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Identity.Tests.Api;

public sealed class RegistrationTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task Register_returns_201_with_location_and_writes_user_registered_to_the_outbox()
    {
        using var client = api.CreateClient();
        var before = await api.CountRowsAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = "  Zoe.Registered@Example.com ", password = IdentityApiFixture.StrongPassword, displayName = " Zoe ", role = "tutor" });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().Should().Be($"/api/users/{id}");
        body.GetProperty("email").GetString().Should().Be("Zoe.Registered@Example.com");
        body.GetProperty("displayName").GetString().Should().Be("Zoe");
        body.GetProperty("role").GetString().Should().Be("tutor");
        body.TryGetProperty("password", out _).Should().BeFalse();

        var after = await api.CountRowsAsync();
        after["users"].Should().Be(before["users"] + 1);
        after["outbox_messages"].Should().Be(before["outbox_messages"] + 1);

        // The event row and the user row were written by one SaveChanges (one transaction); its payload is the CloudEvent data.
        var payloadJson = await api.ScalarAsync<string>(
            "SELECT payload::text FROM outbox_messages WHERE topic = 'user.registered' AND pubsub_name = 'pubsub' AND payload->>'userId' = @id",
            ("id", id.ToString()));
        payloadJson.Should().NotBeNull();
        using var payload = JsonDocument.Parse(payloadJson!);
        payload.RootElement.GetProperty("email").GetString().Should().Be("Zoe.Registered@Example.com");
        payload.RootElement.GetProperty("displayName").GetString().Should().Be("Zoe");
        payload.RootElement.GetProperty("role").GetString().Should().Be("tutor");
        payload.RootElement.GetProperty("registeredAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        var storedHash = await api.ScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", ("id", id));
        storedHash.Should().StartWith("pbkdf2-sha256$600000$").And.NotContain(IdentityApiFixture.StrongPassword);
    }

    [Fact]
    public async Task Role_defaults_to_student()
    {
        var user = await api.RegisterAsync();
        user.Role.Should().Be("student");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_in_different_case_create_exactly_one_account()
    {
        var local = $"race-{Guid.NewGuid():N}";
        var variants = new[] { $"{local}@example.com", $"{local.ToUpperInvariant()}@EXAMPLE.COM", $"{local}@Example.com", $" {local}@example.COM" };
        var before = await api.CountRowsAsync();

        var responses = await Task.WhenAll(variants.Select(async email =>
        {
            using var client = api.CreateClient();
            return await client.PostAsJsonAsync("/api/auth/register", new { email, password = IdentityApiFixture.StrongPassword, displayName = "Racer" });
        }));

        try
        {
            responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
            var conflicts = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
            conflicts.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict);
            foreach (var conflict in conflicts)
            {
                await conflict.ReadProblemAsync();
            }

            var after = await api.CountRowsAsync();
            after["users"].Should().Be(before["users"] + 1);
            after["outbox_messages"].Should().Be(before["outbox_messages"] + 1, "a losing registration must not leave an event behind");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_same_registration_repeated_moments_later_is_answered_as_the_first_and_creates_nothing_more()
    {
        // What the sidecar does when the first attempt timed out after it had created the account (resiliency retries).
        using var client = api.CreateClient();
        var email = $"retried-{Guid.NewGuid():N}@example.com";
        object Body(string? password = null, string displayName = "Ria", string role = "student", string? address = null) =>
            new { email = address ?? email, password = password ?? IdentityApiFixture.StrongPassword, displayName, role };

        using var first = await client.PostAsJsonAsync("/api/auth/register", Body());
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var before = await api.CountRowsAsync();

        using var again = await client.PostAsJsonAsync("/api/auth/register", Body());
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        again.Headers.Location!.ToString().Should().Be($"/api/users/{id}");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid().Should().Be(id);

        // Anything else about the request differs: someone else's registration of a taken email.
        foreach (var other in new[] { Body(password: "Another horse 43"), Body(displayName: "Ria B"), Body(role: "tutor"), Body(address: email.ToUpperInvariant()) })
        {
            using var refused = await client.PostAsJsonAsync("/api/auth/register", other);
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        }

        (await api.CountRowsAsync()).Should().BeEquivalentTo(before, "no second account and no second user.registered");

        // Past the replay window the same request is a duplicate like any other.
        await api.ScalarAsync<int>("UPDATE users SET created_at = created_at - interval '3 minutes' WHERE id = @id RETURNING 1", ("id", id));
        using var late = await client.PostAsJsonAsync("/api/auth/register", Body());
        late.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }
}
