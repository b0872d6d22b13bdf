using System.Net;
using System.Net.Http.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Tutoring.Tests.Api;

public sealed class ProfileApiTests(TutoringFixture fx) : IClassFixture<TutoringFixture>
{
    [Fact]
    public async Task A_tutor_creates_a_profile_anyone_can_read()
    {
        var tutorId = Guid.NewGuid();
        using var tutor = fx.As(tutorId, PlatformRoles.Tutor, "Ada Lovelace");

        using var created = await tutor.PostAsJsonAsync("/api/tutors/profile", new
        {
            bio = "  Analytical engines.  ",
            subjects = new[] { " Math ", "PHYSICS", "math" },
            hourlyRate = new { amount = 4500, currency = "JPY" },
            timezone = "Europe/Berlin",
            availability = new { rules = new[] { new { day = "monday", start = "09:00", end = "12:00" } } },
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().Should().Be($"/api/tutors/{tutorId}");
        var body = await TutoringFixture.BodyAsync(created);
        body.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
        body.GetProperty("displayName").GetString().Should().Be("Ada Lovelace", "displayName defaults to the token's name");
        body.GetProperty("bio").GetString().Should().Be("Analytical engines.");
        body.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Should().Equal("math", "physics");
        body.GetProperty("hourlyRate").GetProperty("amount").GetInt64().Should().Be(4500);
        body.GetProperty("hourlyRate").GetProperty("currency").GetString().Should().Be("JPY");
        body.GetProperty("timezone").GetString().Should().Be("Europe/Berlin");
        body.GetProperty("availability").GetProperty("rules")[0].GetProperty("day").GetString().Should().Be("monday");
        var rating = body.GetProperty("rating");
        rating.GetProperty("average").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "nobody has reviewed the tutor yet");
        rating.GetProperty("count").GetInt32().Should().Be(0);
        rating.GetProperty("distribution").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).Should().Equal(("1", 0), ("2", 0), ("3", 0), ("4", 0), ("5", 0));

        using var anonymous = fx.Anonymous();
        using var read = await anonymous.GetAsync($"/api/tutors/{tutorId}");
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        (await TutoringFixture.BodyAsync(read)).GetProperty("bio").GetString().Should().Be("Analytical engines.");
    }

    [Fact]
    public async Task A_second_profile_is_a_conflict_and_changes_nothing()
    {
        var tutorId = await fx.CreateTutorAsync(name: "First");
        using var tutor = fx.As(tutorId, PlatformRoles.Tutor);

        using var again = await tutor.PostAsJsonAsync("/api/tutors/profile", new { displayName = "Second", bio = "", subjects = new[] { "art" }, hourlyRate = new { amount = 100, currency = "USD" }, timezone = "UTC" });

        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await again.ReadProblemAsync();
        using var read = await fx.Anonymous().GetAsync($"/api/tutors/{tutorId}");
        (await TutoringFixture.BodyAsync(read)).GetProperty("displayName").GetString().Should().Be("First");
    }

    [Theory]
    [InlineData(PlatformRoles.Student)]
    [InlineData(PlatformRoles.ChannelOwner)]
    [InlineData(PlatformRoles.Admin)]
    public async Task Only_tutors_write_profiles(string role)
    {
        var before = await fx.CountsAsync();
        using var client = fx.As(Guid.NewGuid(), role);

        using var create = await client.PostAsJsonAsync("/api/tutors/profile", new { bio = "x", subjects = new[] { "math" }, hourlyRate = new { amount = 100, currency = "USD" }, timezone = "UTC" });
        using var patch = await client.PatchAsJsonAsync("/api/tutors/profile", new { bio = "y" });
        using var availability = await client.PutAsJsonAsync("/api/tutors/availability", new { rules = Array.Empty<object>() });
        using var pricing = await client.PutAsJsonAsync("/api/tutors/pricing", new { hourlyRate = new { amount = 100, currency = "USD" } });

        foreach (var response in new[] { create, patch, availability, pricing })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            await response.ReadProblemAsync();
        }

        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Writes_need_a_token()
    {
        using var anonymous = fx.Anonymous();

        using var response = await anonymous.PostAsJsonAsync("/api/tutors/profile", new { bio = "x" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Changes_without_a_profile_are_404()
    {
        using var tutor = fx.As(Guid.NewGuid(), PlatformRoles.Tutor);

        using var patch = await tutor.PatchAsJsonAsync("/api/tutors/profile", new { bio = "y" });
        using var pricing = await tutor.PutAsJsonAsync("/api/tutors/pricing", new { hourlyRate = new { amount = 100, currency = "USD" } });
        using var get = await fx.Anonymous().GetAsync($"/api/tutors/{Guid.NewGuid()}");

        patch.StatusCode.Should().Be(HttpStatusCode.NotFound);
        pricing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        get.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await get.ReadProblemAsync();
    }

    [Fact]
    public async Task Patch_changes_only_the_given_fields()
    {
        var tutorId = await fx.CreateTutorAsync(name: "Tess", subjects: ["math"]);
        using var tutor = fx.As(tutorId, PlatformRoles.Tutor);
        fx.Clock.Advance(TimeSpan.FromSeconds(1));

        using var response = await tutor.PatchAsJsonAsync("/api/tutors/profile", new { subjects = new[] { "Chess" }, timezone = "America/New_York" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await TutoringFixture.BodyAsync(response);
        body.GetProperty("displayName").GetString().Should().Be("Tess");
        body.GetProperty("bio").GetString().Should().Be("I teach.");
        body.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Should().Equal("chess");
        body.GetProperty("timezone").GetString().Should().Be("America/New_York");
        body.GetProperty("updatedAt").GetDateTimeOffset().Should().BeAfter(body.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Availability_and_pricing_replace_the_old_values()
    {
        var tutorId = await fx.CreateTutorAsync();
        using var tutor = fx.As(tutorId, PlatformRoles.Tutor);

        using var rules = await tutor.PutAsJsonAsync("/api/tutors/availability", new { rules = new[] { new { day = "friday", start = "08:00", end = "09:30" }, new { day = "monday", start = "10:00", end = "11:00" } } });
        using var price = await tutor.PutAsJsonAsync("/api/tutors/pricing", new { hourlyRate = new { amount = 7500, currency = "EUR" } });

        rules.StatusCode.Should().Be(HttpStatusCode.OK, await rules.Content.ReadAsStringAsync());
        (await TutoringFixture.BodyAsync(rules)).GetProperty("availability").GetProperty("rules").EnumerateArray()
            .Select(r => $"{r.GetProperty("day").GetString()} {r.GetProperty("start").GetString()}-{r.GetProperty("end").GetString()}")
            .Should().Equal("monday 10:00-11:00", "friday 08:00-09:30");
        price.StatusCode.Should().Be(HttpStatusCode.OK);
        var rate = (await TutoringFixture.BodyAsync(price)).GetProperty("hourlyRate");
        rate.GetProperty("amount").GetInt64().Should().Be(7500);
        rate.GetProperty("currency").GetString().Should().Be("EUR");

        using var none = await tutor.PutAsJsonAsync("/api/tutors/availability", new { rules = Array.Empty<object>() });
        (await TutoringFixture.BodyAsync(none)).GetProperty("availability").GetProperty("rules").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_public_routes_and_hides_the_internal_ones()
    {
        using var response = await fx.Anonymous().GetAsync("/swagger/v1/swagger.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await TutoringFixture.BodyAsync(response);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain(["/api/tutors/profile", "/api/tutors/availability", "/api/tutors/pricing", "/api/tutors/{id}", "/api/tutors", "/api/tutors/{id}/slots"]);
        paths.Should().NotContain(p => p.StartsWith("/internal", StringComparison.Ordinal));
        paths.Should().NotContain(p => p.StartsWith("/events", StringComparison.Ordinal), "subscriptions are the sidecar's, not the public API");
        document.GetProperty("paths").GetProperty("/api/tutors").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).Should().Contain(["minRating", "sort"]);
    }
}
