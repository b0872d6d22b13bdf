using System.Net.Http.Json;
using System.Text;
using DaprPlatform.Reviews.Domain;

namespace DaprPlatform.Reviews.Tests;

/// <summary>
/// Who may do what to a review, per route: its author, the booking's tutor, another student, another tutor, an admin and
/// nobody (no token). Those who cannot see a review (anyone but its parties and admins, once it is hidden) get 404.
/// </summary>
public sealed class AuthorizationTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    public static TheoryData<string, string, string, string?, int> Cases()
    {
        // review state, caller, "METHOD path" ({id} review, {booking} its booking, {tutor} its tutor), JSON body, expected status
        var cases = new TheoryData<string, string, string, string?, int>();
        void Add(string state, string caller, string route, string? body, int status) => cases.Add(state, caller, route, body, status);

        const string Edit = """{"rating":3}""";
        const string Flag = """{"reason":"spam"}""";
        const string Reply = """{"text":"Thanks"}""";
        foreach (var caller in new[] { "author", "tutor", "otherStudent", "otherTutor", "admin", "anonymous" })
        {
            var (get, edit, delete, reply, flag, helpful, queue, hide, mine) = caller switch
            {
                "author" => (200, 200, 204, 403, 200, 403, 403, 403, 200),
                "tutor" => (200, 403, 403, 200, 200, 200, 403, 403, 403),
                "otherStudent" => (404, 403, 403, 403, 200, 200, 403, 403, 200),
                "otherTutor" => (404, 403, 403, 403, 200, 200, 403, 403, 403),
                "admin" => (200, 403, 204, 403, 200, 200, 200, 200, 403),
                _ => (401, 401, 401, 401, 401, 401, 401, 401, 401),
            };
            Add("visible", caller, "GET /api/reviews/booking/{booking}", null, get);
            Add("visible", caller, "GET /api/reviews/tutor/{tutor}", null, 200);
            Add("visible", caller, "PATCH /api/reviews/{id}", Edit, edit);
            Add("visible", caller, "DELETE /api/reviews/{id}", null, delete);
            Add("visible", caller, "POST /api/reviews/{id}/reply", Reply, reply);
            Add("visible", caller, "POST /api/reviews/{id}/flag", Flag, flag);
            Add("visible", caller, "POST /api/reviews/{id}/helpful", null, helpful);
            Add("visible", caller, "GET /api/reviews/moderation", null, queue);
            Add("visible", caller, "POST /api/reviews/{id}/hide", null, hide);
            Add("visible", caller, "POST /api/reviews/{id}/restore", null, hide);
            Add("visible", caller, "GET /api/reviews/mine", null, mine);
        }

        // Hidden: out of sight for everyone but its parties and admins.
        foreach (var caller in new[] { "otherStudent", "otherTutor" })
        {
            Add("hidden", caller, "GET /api/reviews/booking/{booking}", null, 404);
            Add("hidden", caller, "PATCH /api/reviews/{id}", Edit, 404);
            Add("hidden", caller, "DELETE /api/reviews/{id}", null, 404);
            Add("hidden", caller, "POST /api/reviews/{id}/reply", Reply, 404);
            Add("hidden", caller, "POST /api/reviews/{id}/flag", Flag, 404);
            Add("hidden", caller, "POST /api/reviews/{id}/helpful", null, 404);
        }

        Add("hidden", "author", "GET /api/reviews/booking/{booking}", null, 200);
        Add("hidden", "author", "PATCH /api/reviews/{id}", Edit, 200);
        Add("hidden", "tutor", "GET /api/reviews/booking/{booking}", null, 200);
        Add("hidden", "tutor", "POST /api/reviews/{id}/reply", Reply, 200);
        Add("hidden", "admin", "GET /api/reviews/booking/{booking}", null, 200);
        Add("hidden", "admin", "POST /api/reviews/{id}/restore", null, 200);

        // Deleted: gone for everyone, admins included.
        foreach (var caller in new[] { "author", "tutor", "admin" })
        {
            Add("deleted", caller, "GET /api/reviews/booking/{booking}", null, 404);
            Add("deleted", caller, "PATCH /api/reviews/{id}", Edit, 404);
            Add("deleted", caller, "POST /api/reviews/{id}/reply", Reply, 404);
            Add("deleted", caller, "POST /api/reviews/{id}/restore", null, caller == "admin" ? 404 : 403);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Callers_get_what_their_part_allows(string state, string caller, string route, string? body, int status)
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var review = await fx.ReviewAsync(student, tutor);
        var id = review.GetProperty("reviewId").GetGuid();
        await SetStateAsync(id, student, state);
        using var client = caller switch
        {
            "author" => fx.Student(student),
            "tutor" => fx.Tutor(tutor),
            "otherStudent" => fx.Student(Guid.NewGuid()),
            "otherTutor" => fx.Tutor(Guid.NewGuid()),
            "admin" => fx.Admin(),
            _ => fx.Anonymous(),
        };
        var parts = route.Split(' ', 2);
        var path = parts[1].Replace("{id}", id.ToString(), StringComparison.Ordinal)
            .Replace("{booking}", review.GetProperty("bookingId").GetString(), StringComparison.Ordinal)
            .Replace("{tutor}", tutor.ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(parts[0]), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        ((int)response.StatusCode).Should().Be(status, "{0} {1} on a {2} review: {3}", caller, route, state, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_tutor_cannot_post_a_review_and_nobody_without_a_token_can()
    {
        var tutor = Guid.NewGuid();
        var bookingId = await fx.CompletedBookingAsync(Guid.NewGuid(), tutor);
        using var tutorClient = fx.Tutor(tutor);
        using var admin = fx.Admin();
        using var anonymous = fx.Anonymous();

        ((int)(await tutorClient.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 })).StatusCode).Should().Be(403);
        ((int)(await admin.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 })).StatusCode).Should().Be(403);
        ((int)(await anonymous.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 })).StatusCode).Should().Be(401);
    }

    private async Task SetStateAsync(Guid reviewId, Guid author, string state)
    {
        switch (state)
        {
            case "hidden":
                using (var admin = fx.Admin())
                {
                    await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{reviewId}/hide", null), 200);
                }

                break;
            case "deleted":
                using (var client = fx.Student(author))
                {
                    await ReviewsFixture.ExpectAsync(await client.DeleteAsync($"/api/reviews/{reviewId}"), 204);
                }

                break;
        }

        var stored = await fx.Factory.WithDbAsync(db => Task.FromResult(db.Reviews.Single(r => r.Id == reviewId).State));
        stored.ToWireName().Should().Be(state);
    }
}
