using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Reviews through the gateway on DevHost: a paid booking takes place, its tutor completes it, booking's
/// <c>booking.completed</c> reaches reviews over pub/sub, the student's review shows in the tutor's public list, and its
/// events reach tutoring (the tutor's rating in search) and notifications (the tutor is told).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReviewsJourneyTests(PlatformFixture platform) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => MarketplaceInvariants.AssertHoldAsync(platform);

    [Fact]
    public async Task A_completed_booking_is_reviewed_and_the_public_list_shows_it()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3500);
        var student = await market.NewStudentAsync();
        var booking = await market.BookAsync(student, tutor, Marketplace.SlotStart(TimeSpan.FromDays(5)), 60);
        await market.PayAsync(student, await market.WaitForPaymentAsync(student, booking), "pm_card_visa");
        (await market.WaitForSagaEndAsync(student, booking)).GetProperty("outcome").GetString().Should().Be("confirmed");

        // Before the session a review is refused: reviews knows no completed booking of this id.
        var early = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/reviews", student.Token, new { bookingId = booking.BookingId, rating = 5 });
        early.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, await early.Content.ReadAsStringAsync());

        await market.TakePlaceAndCompleteAsync(tutor, booking);

        // booking.completed travels through booking's outbox and the broker; until reviews has it the answer is 422 (nothing written).
        var posted = await Eventually.UntilAsync(
            "reviews to learn of the completed booking",
            async _ =>
            {
                var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/reviews", student.Token,
                    new { bookingId = booking.BookingId, rating = 4, comment = "Patient and clear" });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            },
            r => r.StatusCode != HttpStatusCode.UnprocessableEntity,
            TimeSpan.FromSeconds(60),
            r => $"{(int)r.StatusCode} {r.Body}",
            interval: TimeSpan.FromMilliseconds(250));
        posted.StatusCode.Should().Be(HttpStatusCode.Created, posted.Body);
        var review = JsonDocument.Parse(posted.Body).RootElement;
        review.GetProperty("tutorId").GetGuid().Should().Be(tutor.Id);
        review.GetProperty("subject").GetString().Should().Be("algebra");

        // Anyone, without a token, through the gateway.
        var list = await platform.Gateway.GetFromJsonAsync<JsonElement>($"/api/reviews/tutor/{tutor.Id}");
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).Should().Equal(review.GetProperty("reviewId").GetGuid());
        list.GetProperty("items")[0].GetProperty("comment").GetString().Should().Be("Patient and clear");
        list.GetProperty("items")[0].TryGetProperty("mine", out _).Should().BeFalse("an anonymous reader has no marks of their own");
        list.GetProperty("summary").GetProperty("average").GetDecimal().Should().Be(4.0m);
        list.GetProperty("summary").GetProperty("count").GetInt32().Should().Be(1);

        // tutoring projects review.posted into the tutor's rating (search filters and sorts by it); notifications tells the tutor.
        var rated = await TutorInSearchAsync(tutor.Id, "minRating=4&sort=rating", found => found is not null);
        (rated!.Value.GetProperty("average").GetDecimal(), rated.Value.GetProperty("count").GetInt32()).Should().Be((4.0m, 1));
        rated.Value.GetProperty("distribution").GetProperty("4").GetInt32().Should().Be(1);
        (await market.WaitForNotificationAsync(tutor.Token, "review-posted")).GetProperty("title").GetString().Should().Contain("★★★★☆");
        var edited = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Patch, $"/api/reviews/{review.GetProperty("reviewId")}", student.Token, new { rating = 2 });
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        (await TutorInSearchAsync(tutor.Id, "minRating=4&sort=rating", found => found is null)).Should().BeNull("review.edited brought the average to 2.0");

        // The tutor answers; the booking's review is the tutor's to read, a stranger's 404.
        var reply = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/reviews/{review.GetProperty("reviewId")}/reply", tutor.Token, new { text = "Thank you!" });
        reply.StatusCode.Should().Be(HttpStatusCode.OK, await reply.Content.ReadAsStringAsync());
        var stranger = await market.NewStudentAsync();
        var hidden = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reviews/booking/{booking.BookingId}", stranger.Token);
        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Signed in, the public list (the gateway passes the token on) says what is the reader's own; the author's list has it.
        var reviewId = review.GetProperty("reviewId").GetGuid();
        (await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/reviews/{reviewId}/helpful", stranger.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var (reader, mine, marked) in new[] { (student, true, false), (stranger, false, true) })
        {
            using var read = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reviews/tutor/{tutor.Id}", reader.Token);
            var item = (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0];
            (item.GetProperty("mine").GetBoolean(), item.GetProperty("markedHelpfulByMe").GetBoolean(), item.GetProperty("flaggedByMe").GetBoolean())
                .Should().Be((mine, marked, false));
        }

        using var own = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/reviews/mine", student.Token);
        own.StatusCode.Should().Be(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).Should().Equal(reviewId);
        (await platform.CountRowsAsync("reviews", "outbox_messages WHERE topic = 'review.posted'")).Should().BeGreaterThanOrEqualTo(1);
    }

    /// <summary>The tutor's rating as the public search (through the gateway) shows it, once <paramref name="done"/> holds; null: not listed.</summary>
    private Task<JsonElement?> TutorInSearchAsync(Guid tutorId, string query, Func<JsonElement?, bool> done) =>
        Eventually.UntilAsync(
            "the tutor's rating in search",
            async _ =>
            {
                var page = await platform.Gateway.GetFromJsonAsync<JsonElement>($"/api/tutors?subject=algebra&pageSize=100&{query}");
                return page.GetProperty("items").EnumerateArray()
                    .Where(i => i.GetProperty("tutorId").GetGuid() == tutorId)
                    .Select(i => (JsonElement?)i.GetProperty("rating"))
                    .SingleOrDefault();
            },
            done,
            TimeSpan.FromSeconds(60),
            found => found?.ToString() ?? "not listed",
            interval: TimeSpan.FromMilliseconds(250));
}
