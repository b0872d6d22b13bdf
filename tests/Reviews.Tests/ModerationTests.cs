using System.Net.Http.Json;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Features;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Reviews.Tests;

public sealed class ModerationTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    private async Task<int> FlagAsync(Guid reviewId, Guid by, string reason = "spam", string? note = null)
    {
        fx.Clock.Advance(TimeSpan.FromSeconds(1));
        using var client = fx.Student(by);
        using var response = await client.PostAsJsonAsync($"/api/reviews/{reviewId}/flag", new { reason, note });
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Three_flags_from_different_users_hide_the_review_until_an_admin_restores_it()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var review = await fx.ReviewAsync(student, tutor);
        var id = review.GetProperty("reviewId").GetGuid();
        var bookingId = review.GetProperty("bookingId").GetGuid();
        var flaggers = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };

        (await FlagAsync(id, flaggers[0])).Should().Be(200);
        (await FlagAsync(id, flaggers[0], "offensive")).Should().Be(409, "one flag per user");
        (await FlagAsync(id, flaggers[1], "other", "a competitor's advert")).Should().Be(200);
        await PubliclyListedAsync(tutor, id, expected: true);

        fx.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var third = fx.Student(flaggers[2]))
        {
            var flagged = await ReviewsFixture.ExpectAsync(await third.PostAsJsonAsync($"/api/reviews/{id}/flag", new { reason = "falseInformation" }), 200);
            flagged.GetProperty("state").GetString().Should().Be("hidden");
        }

        await PubliclyListedAsync(tutor, id, expected: false);
        using (var stranger = fx.Student(Guid.NewGuid()))
        {
            await ReviewsFixture.ExpectAsync(await stranger.GetAsync($"/api/reviews/booking/{bookingId}"), 404);
            (await FlagAsync(id, Guid.NewGuid())).Should().Be(404, "a hidden review does not exist for third parties");
        }

        using (var author = fx.Student(student))
        {
            var own = await ReviewsFixture.ExpectAsync(await author.GetAsync($"/api/reviews/booking/{bookingId}"), 200);
            own.GetProperty("state").GetString().Should().Be("hidden", "the author sees what happened to their review");
        }

        using var admin = fx.Admin();
        var queue = await ReviewsFixture.ExpectAsync(await admin.GetAsync("/api/reviews/moderation?pageSize=100"), 200);
        var entry = queue.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("review").GetProperty("reviewId").GetGuid() == id);
        entry.GetProperty("openFlagCount").GetInt32().Should().Be(3);
        entry.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("reason").GetString()).Should().Equal("spam", "other", "falseInformation");
        entry.GetProperty("flags")[1].GetProperty("note").GetString().Should().Be("a competitor's advert");

        var restored = await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/restore", null), 200);
        restored.GetProperty("state").GetString().Should().Be("visible");
        await PubliclyListedAsync(tutor, id, expected: true);
        queue = await ReviewsFixture.ExpectAsync(await admin.GetAsync("/api/reviews/moderation?pageSize=100"), 200);
        queue.GetProperty("items").EnumerateArray().Should().NotContain(e => e.GetProperty("review").GetProperty("reviewId").GetGuid() == id);

        (await fx.EventsAsync(id)).Select(e => (e.Topic, e.Data.GetProperty("state").GetString(), e.Data.GetProperty("version").GetInt64()))
            .Should().Equal(("review.posted", "visible", 1L), ("review.hidden", "hidden", 2L), ("review.restored", "visible", 3L));
    }

    [Fact]
    public async Task Admins_hide_and_restore_and_repeats_publish_nothing()
    {
        var tutor = Guid.NewGuid();
        var id = (await fx.ReviewAsync(Guid.NewGuid(), tutor)).GetProperty("reviewId").GetGuid();
        using var admin = fx.Admin();

        (await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/hide", null), 200)).GetProperty("state").GetString().Should().Be("hidden");
        (await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/hide", null), 200)).GetProperty("version").GetInt64().Should().Be(2);
        await PubliclyListedAsync(tutor, id, expected: false);
        var queue = await ReviewsFixture.ExpectAsync(await admin.GetAsync("/api/reviews/moderation?pageSize=100"), 200);
        queue.GetProperty("items").EnumerateArray().Should().Contain(e => e.GetProperty("review").GetProperty("reviewId").GetGuid() == id, "hidden reviews stay in the queue");

        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/restore", null), 200);
        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/restore", null), 200);

        (await fx.EventsAsync(id)).Select(e => e.Topic).Should().Equal("review.posted", "review.hidden", "review.restored");
    }

    [Fact]
    public async Task A_flag_of_reason_other_needs_a_note()
    {
        var id = (await fx.ReviewAsync(Guid.NewGuid(), Guid.NewGuid())).GetProperty("reviewId").GetGuid();
        using var client = fx.Student(Guid.NewGuid());

        using var response = await client.PostAsJsonAsync($"/api/reviews/{id}/flag", new { reason = "other" });

        ((int)response.StatusCode).Should().Be(400);
        (await response.ReadProblemAsync()).FieldErrors().Should().Contain("note");
    }

    [Fact]
    public async Task Concurrent_flags_of_different_users_all_count_and_hide_once()
    {
        var id = (await fx.ReviewAsync(Guid.NewGuid(), Guid.NewGuid())).GetProperty("reviewId").GetGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, Review.FlagsToHide).Select(_ => FlagAsync(id, Guid.NewGuid())));

        answers.Should().OnlyContain(s => s == 200);
        (await fx.EventsAsync(id)).Select(e => e.Topic).Should().Equal("review.posted", "review.hidden");
    }

    [Fact]
    public async Task Deleted_reviews_cannot_be_moderated()
    {
        var author = Guid.NewGuid();
        var id = (await fx.ReviewAsync(author, Guid.NewGuid())).GetProperty("reviewId").GetGuid();
        using var authorClient = fx.Student(author);
        await ReviewsFixture.ExpectAsync(await authorClient.DeleteAsync($"/api/reviews/{id}"), 204);
        using var admin = fx.Admin();

        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/restore", null), 404);
        await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{id}/hide", null), 404);
        (await fx.EventsAsync(id)).Select(e => (e.Topic, e.Data.GetProperty("version").GetInt64())).Should().Equal(("review.posted", 1L), ("review.deleted", 2L));
    }

    private async Task PubliclyListedAsync(Guid tutor, Guid reviewId, bool expected)
    {
        using var anonymous = fx.Anonymous();
        var list = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync($"/api/reviews/tutor/{tutor}"), 200);
        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).ToList();
        (ids.Contains(reviewId)).Should().Be(expected);
        list.GetProperty("summary").GetProperty("count").GetInt32().Should().Be(ids.Count, "only visible reviews count in the rating");
    }
}
