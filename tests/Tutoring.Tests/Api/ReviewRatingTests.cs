using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Domain;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>review.* events project into the tutor's rating: visible reviews only, latest version wins, once per event.</summary>
public sealed class ReviewRatingTests(TutoringFixture fx) : IClassFixture<TutoringFixture>
{
    private static ReviewEvent Posted(Guid reviewId, Guid tutorId, int stars) => new(PlatformTopics.ReviewPosted, reviewId, tutorId, stars, "visible", 1);

    private static Task<string> DeliverAsync(HttpClient client, ReviewEvent review) => review.DeliverAsync(client, Guid.NewGuid().ToString());

    [Fact]
    public async Task Subscribe_lists_the_five_review_topics_each_with_its_dead_letter_topic()
    {
        using var client = fx.Anonymous();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var topics = subscriptions.EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!, s => s.GetProperty("deadLetterTopic").GetString());
        topics.Keys.Should().BeEquivalentTo("review.posted", "review.edited", "review.hidden", "review.restored", "review.deleted");
        topics.Should().OnlyContain(t => t.Value == t.Key + ".deadletter");
    }

    [Fact]
    public async Task Posted_reviews_make_the_rating_and_hidden_or_deleted_ones_leave_it()
    {
        var tutorId = await fx.CreateTutorAsync();
        using var client = fx.Anonymous();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        (await DeliverAsync(client, Posted(a, tutorId, 5))).Should().Be("SUCCESS");
        (await DeliverAsync(client, Posted(b, tutorId, 4))).Should().Be("SUCCESS");
        (await DeliverAsync(client, Posted(c, tutorId, 4))).Should().Be("SUCCESS");
        (await ShownRating.OfAsync(fx, tutorId)).ToString().Should().Be("average 4.3, count 3, distribution [0,0,0,2,1]", "13 / 3 = 4.33…");

        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewHidden, a, tutorId, 5, "hidden", 2))).Should().Be("SUCCESS");
        (await ShownRating.OfAsync(fx, tutorId)).ToString().Should().Be("average 4.0, count 2, distribution [0,0,0,2,0]");

        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewDeleted, b, tutorId, 4, "deleted", 2))).Should().Be("SUCCESS");
        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewRestored, a, tutorId, 5, "visible", 3))).Should().Be("SUCCESS");
        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewEdited, c, tutorId, 2, "visible", 2))).Should().Be("SUCCESS");
        (await ShownRating.OfAsync(fx, tutorId)).ToString().Should().Be("average 3.5, count 2, distribution [0,1,0,0,1]");
    }

    [Fact]
    public async Task An_edit_before_its_post_and_a_post_after_its_delete_leave_the_latest_state()
    {
        var tutorId = await fx.CreateTutorAsync();
        using var client = fx.Anonymous();
        var (edited, deleted) = (Guid.NewGuid(), Guid.NewGuid());

        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewEdited, edited, tutorId, 3, "visible", 2))).Should().Be("SUCCESS");
        (await DeliverAsync(client, Posted(edited, tutorId, 5))).Should().Be("SUCCESS");
        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewDeleted, deleted, tutorId, 1, "deleted", 2))).Should().Be("SUCCESS");
        (await DeliverAsync(client, Posted(deleted, tutorId, 1))).Should().Be("SUCCESS");

        (await ShownRating.OfAsync(fx, tutorId)).ToString().Should().Be("average 3.0, count 1, distribution [0,0,1,0,0]");
        var rows = await fx.Factory.WithDbAsync(async db => (await db.ReviewRatings.AsNoTracking().Where(r => r.TutorId == tutorId).ToListAsync())
            .Select(r => (r.ReviewId, r.Stars, ReviewSnapshot.WireName(r.State), r.Version)).ToList());
        rows.Should().BeEquivalentTo([(edited, 3, "visible", 2L), (deleted, 1, "deleted", 2L)], "the tombstone stays, so the late post did not bring it back");
    }

    [Fact]
    public async Task A_redelivered_event_is_processed_once()
    {
        var tutorId = await fx.CreateTutorAsync();
        using var client = fx.Anonymous();
        var review = Posted(Guid.NewGuid(), tutorId, 2);
        var eventId = Guid.NewGuid().ToString();

        (await review.DeliverAsync(client, eventId)).Should().Be("SUCCESS");
        (await review.DeliverAsync(client, eventId)).Should().Be("SUCCESS");

        (await ShownRating.OfAsync(fx, tutorId)).Count.Should().Be(1);
        (await fx.ScalarAsync($"SELECT count(*) FROM inbox_messages WHERE message_id = '{eventId}'")).Should().Be(1);
    }

    [Fact]
    public async Task Reviews_of_a_tutor_without_a_profile_are_kept_and_show_once_the_profile_exists()
    {
        var tutorId = Guid.NewGuid();
        using var client = fx.Anonymous();
        (await DeliverAsync(client, Posted(Guid.NewGuid(), tutorId, 4))).Should().Be("SUCCESS");

        using var tutor = fx.As(tutorId, PlatformRoles.Tutor);
        using var created = await tutor.PostAsJsonAsync("/api/tutors/profile", new { bio = "b", subjects = new[] { "math" }, hourlyRate = new { amount = 100, currency = "USD" }, timezone = "UTC" });

        created.EnsureSuccessStatusCode();
        ShownRating.Read(await TutoringFixture.BodyAsync(created)).ToString().Should().Be("average 4.0, count 1, distribution [0,0,0,1,0]");
    }

    public static TheoryData<string, string> InvalidEvents() => new()
    {
        // name, data (JSON) — each can never be projected, so it is dropped rather than retried
        { "rating 0", """{"reviewId":"{review}","tutorId":"{tutor}","rating":0,"state":"visible","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "rating 6", """{"reviewId":"{review}","tutorId":"{tutor}","rating":6,"state":"visible","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "unknown state", """{"reviewId":"{review}","tutorId":"{tutor}","rating":4,"state":"flagged","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "no state", """{"reviewId":"{review}","tutorId":"{tutor}","rating":4,"version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "version 0", """{"reviewId":"{review}","tutorId":"{tutor}","rating":4,"state":"visible","version":0,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "no tutor", """{"reviewId":"{review}","rating":4,"state":"visible","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "no review id", """{"tutorId":"{tutor}","rating":4,"state":"visible","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "rating as text", """{"reviewId":"{review}","tutorId":"{tutor}","rating":"four","state":"visible","version":1,"occurredAt":"2026-12-01T10:00:00Z"}""" },
        { "not an object", "[1,2]" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task An_event_that_can_never_be_projected_is_dropped_and_writes_nothing(string name, string data)
    {
        var tutorId = await fx.CreateTutorAsync();
        using var client = fx.Anonymous();
        var json = JsonDocument.Parse(data.Replace("{review}", Guid.NewGuid().ToString(), StringComparison.Ordinal).Replace("{tutor}", tutorId.ToString(), StringComparison.Ordinal)).RootElement;
        var before = await fx.Database.CountRowsAsync("review_ratings", "tutor_ratings", "inbox_messages");

        (await ReviewEvent.DeliverAsync(client, PlatformTopics.ReviewPosted, Guid.NewGuid().ToString(), json)).Should().Be("DROP", name);

        (await fx.Database.CountRowsAsync("review_ratings", "tutor_ratings", "inbox_messages")).Should().Be(before, "{0}: nothing may be written", name);
    }

    [Fact]
    public async Task A_snapshot_naming_another_tutor_for_a_kept_review_is_dropped()
    {
        var tutorId = await fx.CreateTutorAsync();
        using var client = fx.Anonymous();
        var reviewId = Guid.NewGuid();
        (await DeliverAsync(client, Posted(reviewId, tutorId, 5))).Should().Be("SUCCESS");

        (await DeliverAsync(client, new ReviewEvent(PlatformTopics.ReviewEdited, reviewId, Guid.NewGuid(), 1, "visible", 2))).Should().Be("DROP");

        (await ShownRating.OfAsync(fx, tutorId)).ToString().Should().Be("average 5.0, count 1, distribution [0,0,0,0,1]");
    }
}
