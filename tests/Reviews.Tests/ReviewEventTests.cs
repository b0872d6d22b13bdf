using System.Net.Http.Json;
using System.Text.Json;

namespace DaprPlatform.Reviews.Tests;

/// <summary>The review.* events, as the contract of issue 17 fixes them: full state, a version that grows with each change.</summary>
public sealed class ReviewEventTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    [Fact]
    public async Task Every_change_publishes_the_full_review_with_the_next_version()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var review = await fx.ReviewAsync(student, tutor, rating: 2, comment: "Meh");
        var id = review.GetProperty("reviewId").GetGuid();
        using var author = fx.Student(student);
        using var tutorClient = fx.Tutor(tutor);
        using var admin = fx.Admin();

        await ReviewsFixture.ExpectAsync(await author.PatchAsJsonAsync($"/api/reviews/{id}", new { rating = 4, comment = "Better on reflection" }), 200);
        await ReviewsFixture.ExpectAsync(await tutorClient.PostAsJsonAsync($"/api/reviews/{id}/reply", new { text = "Thanks" }), 200);
        using (var reader = fx.Student(Guid.NewGuid()))
        {
            await ReviewsFixture.ExpectAsync(await reader.PostAsync($"/api/reviews/{id}/helpful", null), 200);
            await ReviewsFixture.ExpectAsync(await reader.PostAsJsonAsync($"/api/reviews/{id}/flag", new { reason = "spam" }), 200);
        }

        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/hide", null), 200);
        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/restore", null), 200);
        await ReviewsFixture.ExpectAsync(await author.DeleteAsync($"/api/reviews/{id}"), 204);

        var events = await fx.EventsAsync(id);

        events.Select(e => (e.Topic, e.Data.GetProperty("version").GetInt64(), e.Data.GetProperty("state").GetString())).Should().Equal(
            ("review.posted", 1L, "visible"),
            ("review.edited", 2L, "visible"),
            ("review.hidden", 3L, "hidden"),
            ("review.restored", 4L, "visible"),
            ("review.deleted", 5L, "deleted"));
        foreach (var (_, data) in events)
        {
            data.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
                ["reviewId", "bookingId", "tutorId", "studentId", "studentName", "subject", "rating", "comment", "state", "version", "occurredAt"]);
            data.GetProperty("bookingId").GetGuid().Should().Be(review.GetProperty("bookingId").GetGuid());
            data.GetProperty("tutorId").GetGuid().Should().Be(tutor);
            data.GetProperty("studentId").GetGuid().Should().Be(student);
            data.GetProperty("studentName").GetString().Should().Be("Stella Student");
            data.GetProperty("subject").GetString().Should().Be("Algebra");
            data.GetProperty("occurredAt").ValueKind.Should().Be(JsonValueKind.String);
        }

        events[0].Data.GetProperty("rating").GetInt32().Should().Be(2);
        events[0].Data.GetProperty("comment").GetString().Should().Be("Meh");
        events[4].Data.GetProperty("rating").GetInt32().Should().Be(4, "a tombstone still carries the full state");
        events[4].Data.GetProperty("comment").GetString().Should().Be("Better on reflection");
    }

    [Fact]
    public async Task A_review_without_a_comment_carries_null()
    {
        var id = (await fx.ReviewAsync(Guid.NewGuid(), Guid.NewGuid(), rating: 5, comment: null)).GetProperty("reviewId").GetGuid();

        var posted = (await fx.EventsAsync(id)).Single();

        posted.Topic.Should().Be("review.posted");
        posted.Data.GetProperty("comment").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
