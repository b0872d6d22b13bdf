using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Reviews.Features;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Reviews.Tests;

public sealed class ReviewApiTests(ReviewsFixture fx) : IClassFixture<ReviewsFixture>
{
    [Fact]
    public async Task A_student_reviews_a_completed_booking_and_the_public_sees_it()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var bookingId = await fx.CompletedBookingAsync(student, tutor);
        using var client = fx.Student(student);

        using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 4, comment = "  Clear explanations  " });
        var review = await ReviewsFixture.ExpectAsync(response, 201);

        review.GetProperty("bookingId").GetGuid().Should().Be(bookingId);
        review.GetProperty("tutorId").GetGuid().Should().Be(tutor);
        review.GetProperty("studentName").GetString().Should().Be("Stella Student", "the name booking recorded, not the token's");
        review.GetProperty("subject").GetString().Should().Be("Algebra");
        review.GetProperty("comment").GetString().Should().Be("Clear explanations");
        review.GetProperty("state").GetString().Should().Be("visible");
        review.GetProperty("version").GetInt64().Should().Be(1);

        foreach (var reader in new[] { fx.Student(student), fx.Tutor(tutor), fx.Admin() })
        {
            using (reader)
            {
                var mine = await ReviewsFixture.ExpectAsync(await reader.GetAsync($"/api/reviews/booking/{bookingId}"), 200);
                mine.GetProperty("reviewId").GetGuid().Should().Be(review.GetProperty("reviewId").GetGuid());
            }
        }

        using var anonymous = fx.Anonymous();
        var list = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync($"/api/reviews/tutor/{tutor}"), 200);
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).Should().Equal(review.GetProperty("reviewId").GetGuid());
        list.GetProperty("items")[0].TryGetProperty("studentId", out _).Should().BeFalse("the public list does not expose students' ids");
        list.GetProperty("summary").GetProperty("average").GetDecimal().Should().Be(4.0m);
        list.GetProperty("summary").GetProperty("count").GetInt32().Should().Be(1);
        list.GetProperty("summary").GetProperty("distribution").GetProperty("4").GetInt32().Should().Be(1);
        list.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_booking_reviews_does_not_know_as_completed_is_422_and_nothing_is_written()
    {
        using var client = fx.Student(Guid.NewGuid());
        var before = await fx.CountsAsync();

        using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId = Guid.NewGuid(), rating = 5 });

        ((int)response.StatusCode).Should().Be(422);
        (await response.ReadProblemAsync()).FieldErrors().Should().Contain("bookingId");
        (await fx.CountsAsync()).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task A_booking_cancelled_after_completion_cannot_be_reviewed()
    {
        var student = Guid.NewGuid();
        var bookingId = await fx.CompletedBookingAsync(student, Guid.NewGuid());
        var data = ReviewsFixture.BookingData(bookingId, student, Guid.NewGuid(), status: "cancelled", previousStatus: "completed");
        (await fx.DeliverAsync("booking.cancelled", Guid.NewGuid().ToString(), data)).Should().Be("SUCCESS");
        using var client = fx.Student(student);

        using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 });

        ((int)response.StatusCode).Should().Be(422);
    }

    [Fact]
    public async Task A_student_cannot_review_another_students_booking()
    {
        var bookingId = await fx.CompletedBookingAsync(Guid.NewGuid(), Guid.NewGuid());
        using var other = fx.Student(Guid.NewGuid());

        using var response = await other.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 1 });

        ((int)response.StatusCode).Should().Be(404);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task A_tutor_cannot_review_even_their_own_booking()
    {
        var tutor = Guid.NewGuid();
        var bookingId = await fx.CompletedBookingAsync(Guid.NewGuid(), tutor);
        using var client = fx.Tutor(tutor);

        using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 });

        ((int)response.StatusCode).Should().Be(403);
    }

    [Fact]
    public async Task A_booking_is_reviewed_once_even_after_its_review_was_deleted()
    {
        var student = Guid.NewGuid();
        var review = await fx.ReviewAsync(student, Guid.NewGuid());
        var bookingId = review.GetProperty("bookingId").GetGuid();
        using var client = fx.Student(student);

        using var again = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 1 });
        ((int)again.StatusCode).Should().Be(409);
        (await again.ReadProblemAsync()).GetProperty("type").GetString().Should().Be(ReviewProblems.AlreadyReviewedType);

        await ReviewsFixture.ExpectAsync(await client.DeleteAsync($"/api/reviews/{review.GetProperty("reviewId")}"), 204);
        using var afterDelete = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 1 });
        ((int)afterDelete.StatusCode).Should().Be(409);
    }

    [Fact]
    public async Task Concurrent_posts_of_one_booking_make_one_review()
    {
        var student = Guid.NewGuid();
        var bookingId = await fx.CompletedBookingAsync(student, Guid.NewGuid());

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = fx.Student(student);
            using var response = await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating = 5 });
            return (int)response.StatusCode;
        }));

        answers.Should().ContainSingle(s => s == 201).And.OnlyContain(s => s == 201 || s == 409);
    }

    [Fact]
    public async Task The_author_edits_for_seven_days_and_a_blank_comment_removes_it()
    {
        var student = Guid.NewGuid();
        var review = await fx.ReviewAsync(student, Guid.NewGuid(), rating: 3, comment: "Okay");
        var id = review.GetProperty("reviewId").GetGuid();
        using var client = fx.Student(student);

        var rated = await ReviewsFixture.ExpectAsync(await client.PatchAsJsonAsync($"/api/reviews/{id}", new { rating = 4 }), 200);
        rated.GetProperty("rating").GetInt32().Should().Be(4);
        rated.GetProperty("comment").GetString().Should().Be("Okay", "an absent comment stays");
        rated.GetProperty("version").GetInt64().Should().Be(2);

        var cleared = await ReviewsFixture.ExpectAsync(await client.PatchAsJsonAsync($"/api/reviews/{id}", new { comment = " " }), 200);
        cleared.GetProperty("comment").ValueKind.Should().Be(JsonValueKind.Null);
        cleared.GetProperty("version").GetInt64().Should().Be(3);

        var same = await ReviewsFixture.ExpectAsync(await client.PatchAsJsonAsync($"/api/reviews/{id}", new { rating = 4 }), 200);
        same.GetProperty("version").GetInt64().Should().Be(3, "an edit that changes nothing is no new version");

        fx.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        using var late = await client.PatchAsJsonAsync($"/api/reviews/{id}", new { rating = 1 });
        ((int)late.StatusCode).Should().Be(409);
        (await late.ReadProblemAsync()).GetProperty("type").GetString().Should().Be(ReviewProblems.EditWindowClosedType);
        (await fx.EventsAsync(id)).Select(e => e.Topic).Should().Equal("review.posted", "review.edited", "review.edited");
    }

    [Fact]
    public async Task The_tutor_replies_once_without_a_new_version()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var id = (await fx.ReviewAsync(student, tutor)).GetProperty("reviewId").GetGuid();
        using var tutorClient = fx.Tutor(tutor);

        var replied = await ReviewsFixture.ExpectAsync(await tutorClient.PostAsJsonAsync($"/api/reviews/{id}/reply", new { text = "Thank you!" }), 200);
        replied.GetProperty("reply").GetProperty("text").GetString().Should().Be("Thank you!");
        replied.GetProperty("version").GetInt64().Should().Be(1);

        using var second = await tutorClient.PostAsJsonAsync($"/api/reviews/{id}/reply", new { text = "Again" });
        ((int)second.StatusCode).Should().Be(409);
        (await second.ReadProblemAsync()).GetProperty("type").GetString().Should().Be(ReviewProblems.AlreadyRepliedType);
        (await fx.EventsAsync(id)).Should().ContainSingle();

        using var anonymous = fx.Anonymous();
        var list = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync($"/api/reviews/tutor/{tutor}"), 200);
        list.GetProperty("items")[0].GetProperty("reply").GetProperty("text").GetString().Should().Be("Thank you!");
    }

    [Fact]
    public async Task Deleted_reviews_leave_the_list_and_the_rating()
    {
        var tutor = Guid.NewGuid();
        var author = Guid.NewGuid();
        var kept = await fx.ReviewAsync(Guid.NewGuid(), tutor, rating: 5);
        var byAuthor = await fx.ReviewAsync(author, tutor, rating: 1);
        var byAdmin = await fx.ReviewAsync(Guid.NewGuid(), tutor, rating: 2);
        using var authorClient = fx.Student(author);
        using var admin = fx.Admin();

        await ReviewsFixture.ExpectAsync(await authorClient.DeleteAsync($"/api/reviews/{byAuthor.GetProperty("reviewId")}"), 204);
        await ReviewsFixture.ExpectAsync(await admin.DeleteAsync($"/api/reviews/{byAdmin.GetProperty("reviewId")}"), 204);
        await ReviewsFixture.ExpectAsync(await authorClient.DeleteAsync($"/api/reviews/{byAuthor.GetProperty("reviewId")}"), 404);
        await ReviewsFixture.ExpectAsync(await authorClient.GetAsync($"/api/reviews/booking/{byAuthor.GetProperty("bookingId")}"), 404);

        using var anonymous = fx.Anonymous();
        var list = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync($"/api/reviews/tutor/{tutor}"), 200);
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).Should().Equal(kept.GetProperty("reviewId").GetGuid());
        list.GetProperty("summary").GetProperty("count").GetInt32().Should().Be(1);
        list.GetProperty("summary").GetProperty("average").GetDecimal().Should().Be(5.0m);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_through_every_review_once_newest_first()
    {
        var tutor = Guid.NewGuid();
        var posted = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            posted.Add((await fx.ReviewAsync(Guid.NewGuid(), tutor, rating: 1 + i)).GetProperty("reviewId").GetGuid());
            // Two reviews in the same instant: the id breaks the tie, so paging still gives each once.
            if (i != 0) { fx.Clock.Advance(TimeSpan.FromMinutes(1)); }
        }

        var seen = await ReadAllAsync(tutor, "newest", limit: 2);

        seen.Should().HaveCount(5).And.OnlyHaveUniqueItems().And.BeEquivalentTo(posted);
        seen.Take(3).Should().Equal(posted[4], posted[3], posted[2]);
        seen.Skip(3).Should().BeEquivalentTo([posted[0], posted[1]]);
    }

    [Fact]
    public async Task Sort_helpful_orders_by_helpful_marks_then_newest()
    {
        var tutor = Guid.NewGuid();
        var reviews = new List<(Guid Id, Guid Author)>();
        for (var i = 0; i < 4; i++)
        {
            var author = Guid.NewGuid();
            reviews.Add(((await fx.ReviewAsync(author, tutor)).GetProperty("reviewId").GetGuid(), author));
            fx.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Review 1 gets 2 marks, review 2 gets 1; 0 and 3 none (3 is newer).
        foreach (var (index, marks) in new[] { (1, 2), (2, 1) })
        {
            for (var m = 0; m < marks; m++)
            {
                using var reader = fx.Student(Guid.NewGuid());
                await ReviewsFixture.ExpectAsync(await reader.PostAsync($"/api/reviews/{reviews[index].Id}/helpful", null), 200);
            }
        }

        var seen = await ReadAllAsync(tutor, "helpful", limit: 3);

        seen.Should().Equal(reviews[1].Id, reviews[2].Id, reviews[3].Id, reviews[0].Id);
    }

    [Fact]
    public async Task Helpful_marks_count_once_per_user_and_can_be_taken_back()
    {
        var author = Guid.NewGuid();
        var id = (await fx.ReviewAsync(author, Guid.NewGuid())).GetProperty("reviewId").GetGuid();
        using var reader = fx.Student(Guid.NewGuid());
        using var authorClient = fx.Student(author);

        (await ReviewsFixture.ExpectAsync(await reader.PostAsync($"/api/reviews/{id}/helpful", null), 200)).GetProperty("helpfulCount").GetInt32().Should().Be(1);
        (await ReviewsFixture.ExpectAsync(await reader.PostAsync($"/api/reviews/{id}/helpful", null), 200)).GetProperty("helpfulCount").GetInt32().Should().Be(1);
        await ReviewsFixture.ExpectAsync(await authorClient.PostAsync($"/api/reviews/{id}/helpful", null), 403);
        var undone = await ReviewsFixture.ExpectAsync(await reader.DeleteAsync($"/api/reviews/{id}/helpful"), 200);
        undone.GetProperty("helpfulCount").GetInt32().Should().Be(0);
        undone.GetProperty("markedByMe").GetBoolean().Should().BeFalse();
        (await ReviewsFixture.ExpectAsync(await reader.DeleteAsync($"/api/reviews/{id}/helpful"), 200)).GetProperty("helpfulCount").GetInt32().Should().Be(0);
        (await fx.EventsAsync(id)).Should().ContainSingle("helpful marks are no change of the review");
    }

    [Fact]
    public async Task Concurrent_helpful_marks_of_different_users_all_count()
    {
        var id = (await fx.ReviewAsync(Guid.NewGuid(), Guid.NewGuid())).GetProperty("reviewId").GetGuid();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var reader = fx.Student(Guid.NewGuid());
            await ReviewsFixture.ExpectAsync(await reader.PostAsync($"/api/reviews/{id}/helpful", null), 200);
        }));

        var count = await fx.Factory.WithDbAsync(db => Task.FromResult(db.Reviews.Single(r => r.Id == id).HelpfulCount));
        count.Should().Be(3);
    }

    [Fact]
    public async Task A_signed_in_reader_sees_which_reviews_are_theirs_marked_helpful_and_flagged_and_an_anonymous_one_none_of_it()
    {
        var (author, tutor, reader) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var own = (await fx.ReviewAsync(author, tutor, comment: "Mine")).GetProperty("reviewId").GetGuid();
        var marked = (await fx.ReviewAsync(Guid.NewGuid(), tutor, comment: "Marked")).GetProperty("reviewId").GetGuid();
        var flagged = (await fx.ReviewAsync(Guid.NewGuid(), tutor, comment: "Flagged")).GetProperty("reviewId").GetGuid();
        var untouched = (await fx.ReviewAsync(Guid.NewGuid(), tutor, comment: "Untouched")).GetProperty("reviewId").GetGuid();
        foreach (var client in new[] { fx.Student(author), fx.Student(reader) })
        {
            using (client)
            {
                await ReviewsFixture.ExpectAsync(await client.PostAsync($"/api/reviews/{marked}/helpful", null), 200);
                await ReviewsFixture.ExpectAsync(await client.PostAsJsonAsync($"/api/reviews/{flagged}/flag", new { reason = "spam" }), 200);
            }
        }

        // The author and another reader, on both sorts and across pages (limit 1): each review carries the reader's own marks.
        foreach (var (who, client) in new[] { ("author", fx.Student(author)), ("reader", fx.Student(reader)) })
        {
            using (client)
            {
                foreach (var sort in new[] { "newest", "helpful" })
                {
                    var items = await ReadItemsAsync(client, tutor, sort);
                    items.Select(i => i.GetProperty("reviewId").GetGuid()).Should().BeEquivalentTo([own, marked, flagged, untouched]);
                    foreach (var item in items)
                    {
                        var id = item.GetProperty("reviewId").GetGuid();
                        item.GetProperty("mine").GetBoolean().Should().Be(who == "author" && id == own, "{0} {1} {2}", who, sort, id);
                        item.GetProperty("markedHelpfulByMe").GetBoolean().Should().Be(id == marked, "{0} {1} {2}", who, sort, id);
                        item.GetProperty("flaggedByMe").GetBoolean().Should().Be(id == flagged, "{0} {1} {2}", who, sort, id);
                    }
                }
            }
        }

        using var anonymous = fx.Anonymous();
        foreach (var item in await ReadItemsAsync(anonymous, tutor, "newest"))
        {
            item.TryGetProperty("mine", out _).Should().BeFalse("an anonymous reader has no marks of their own");
            item.TryGetProperty("markedHelpfulByMe", out _).Should().BeFalse();
            item.TryGetProperty("flaggedByMe", out _).Should().BeFalse();
        }
    }

    [Fact]
    public async Task A_student_pages_through_their_own_reviews_newest_first_hidden_ones_too_deleted_ones_not()
    {
        var student = Guid.NewGuid();
        var reviews = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            reviews.Add((await fx.ReviewAsync(student, Guid.NewGuid(), rating: i + 1)).GetProperty("reviewId").GetGuid());
            fx.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await fx.ReviewAsync(Guid.NewGuid(), Guid.NewGuid()); // someone else's: never in this list
        using (var admin = fx.Admin())
        {
            await ReviewsFixture.ExpectAsync(await admin.PostAsync($"/api/reviews/{reviews[1]}/hide", null), 200);
        }

        using var client = fx.Student(student);
        await ReviewsFixture.ExpectAsync(await client.DeleteAsync($"/api/reviews/{reviews[3]}"), 204);

        var seen = new List<JsonElement>();
        string? cursor = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await ReviewsFixture.ExpectAsync(await client.GetAsync("/api/reviews/mine?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")), 200);
            page.GetProperty("items").GetArrayLength().Should().BeLessThanOrEqualTo(2);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null) { break; }
        }

        seen.Select(r => r.GetProperty("reviewId").GetGuid()).Should().Equal(reviews[4], reviews[2], reviews[1], reviews[0]);
        seen.Single(r => r.GetProperty("reviewId").GetGuid() == reviews[1]).GetProperty("state").GetString().Should().Be("hidden");
        seen.Should().OnlyContain(r => r.GetProperty("studentId").GetGuid() == student);
    }

    private static async Task<List<JsonElement>> ReadItemsAsync(HttpClient client, Guid tutor, string sort)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        for (var pages = 0; pages < 20; pages++)
        {
            var page = await ReviewsFixture.ExpectAsync(await client.GetAsync($"/api/reviews/tutor/{tutor}?sort={sort}&limit=1" + (cursor is null ? "" : $"&cursor={cursor}")), 200);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null) { return items; }
        }

        throw new InvalidOperationException("More pages than reviews.");
    }

    [Fact]
    public async Task A_deleted_review_and_one_that_never_existed_get_the_same_answer_on_every_route()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var review = await fx.ReviewAsync(student, tutor);
        var deleted = review.GetProperty("reviewId").GetGuid();
        var deletedBooking = review.GetProperty("bookingId").GetGuid();
        using (var author = fx.Student(student))
        {
            await ReviewsFixture.ExpectAsync(await author.DeleteAsync($"/api/reviews/{deleted}"), 204);
        }

        var (never, neverBooking) = (Guid.NewGuid(), await fx.CompletedBookingAsync(student, tutor));
        string[] routes =
        [
            "GET /api/reviews/booking/{booking}", "PATCH /api/reviews/{id}", "DELETE /api/reviews/{id}", "POST /api/reviews/{id}/reply",
            "POST /api/reviews/{id}/flag", "POST /api/reviews/{id}/helpful", "DELETE /api/reviews/{id}/helpful",
        ];
        foreach (var (caller, client) in new[] { ("author", fx.Student(student)), ("tutor", fx.Tutor(tutor)), ("stranger", fx.Student(Guid.NewGuid())) })
        {
            using (client)
            {
                foreach (var route in routes)
                {
                    var answers = new List<string>();
                    foreach (var (id, booking) in new[] { (deleted, deletedBooking), (never, neverBooking) })
                    {
                        var parts = route.Split(' ', 2);
                        using var request = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1].Replace("{id}", id.ToString(), StringComparison.Ordinal).Replace("{booking}", booking.ToString(), StringComparison.Ordinal));
                        request.Content = parts[0] is "PATCH" or "POST" ? JsonContent.Create(new { rating = 3, text = "Thanks", reason = "spam" }) : null;
                        using var response = await client.SendAsync(request);
                        var problem = System.Text.Json.Nodes.JsonNode.Parse((await response.ReadProblemAsync()).GetRawText())!.AsObject();
                        problem.Remove("traceId");
                        // The ids named (and the request's trace) differ; nothing else may.
                        answers.Add($"{(int)response.StatusCode} {problem.ToJsonString()}".Replace(id.ToString(), "{id}", StringComparison.Ordinal).Replace(booking.ToString(), "{id}", StringComparison.Ordinal));
                    }

                    answers[0].Should().StartWith("404").And.Be(answers[1], "{0} {1}: a deleted review is told apart from none at all by nothing", caller, route);
                }
            }
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_every_public_route_and_no_subscription()
    {
        using var anonymous = fx.Anonymous();

        var document = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync("/swagger/v1/swagger.json"), 200);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().BeEquivalentTo(
        [
            "/api/reviews", "/api/reviews/tutor/{tutorId}", "/api/reviews/booking/{bookingId}", "/api/reviews/{id}",
            "/api/reviews/{id}/flag", "/api/reviews/{id}/reply", "/api/reviews/{id}/helpful", "/api/reviews/moderation",
            "/api/reviews/{id}/hide", "/api/reviews/{id}/restore", "/api/reviews/mine",
        ]);

        // The text limits are in the document, so a client can check them before sending.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        schemas.GetProperty(nameof(PostReviewRequest)).GetProperty("properties").GetProperty("comment").GetProperty("maxLength").GetInt32().Should().Be(Domain.Review.MaxCommentLength);
        schemas.GetProperty(nameof(EditReviewRequest)).GetProperty("properties").GetProperty("comment").GetProperty("maxLength").GetInt32().Should().Be(Domain.Review.MaxCommentLength);
        schemas.GetProperty(nameof(ReplyRequest)).GetProperty("properties").GetProperty("text").GetProperty("maxLength").GetInt32().Should().Be(Domain.Review.MaxReplyLength);
        schemas.GetProperty(nameof(FlagReviewRequest)).GetProperty("properties").GetProperty("note").GetProperty("maxLength").GetInt32().Should().Be(Domain.ReviewFlag.MaxNoteLength);
    }

    private async Task<List<Guid>> ReadAllAsync(Guid tutor, string sort, int limit)
    {
        using var anonymous = fx.Anonymous();
        var seen = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 20; pages++)
        {
            var url = $"/api/reviews/tutor/{tutor}?sort={sort}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await ReviewsFixture.ExpectAsync(await anonymous.GetAsync(url), 200);
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetGuid()).ToList();
            items.Count.Should().BeLessThanOrEqualTo(limit);
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null) { return seen; }
        }

        throw new InvalidOperationException("The cursor never ended.");
    }
}
