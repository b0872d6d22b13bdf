using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Reviews;

namespace DaprPlatform.Web.Tests.Reviews;

/// <summary>A completed booking's review on My bookings: write, edit while reviews allows it, delete after confirming.</summary>
public sealed class BookingReviewTests : ReviewsContext
{
    private readonly Guid _booking = Guid.NewGuid();
    private readonly Guid _review = Guid.NewGuid();

    private IRenderedComponent<BookingReview> RenderReview() =>
        Render<BookingReview>(p => p.Add(x => x.BookingId, _booking).Add(x => x.TutorName, "Tess Tutor").Add(x => x.Subject, "algebra").Add(x => x.Zone, Berlin));

    private void AnswerNoReview() =>
        Answer(App, "GET", $"api/reviews/booking/{_booking}", 404, Problem(404, "Not Found", $"Booking {_booking} has no review."));

    [Fact]
    public async Task Without_a_review_the_student_writes_one_with_stars_and_a_counted_comment_and_then_sees_it_with_edit_and_delete()
    {
        SignIn(PlatformRoles.Student);
        AnswerNoReview();
        Answer(App, "POST", "api/reviews", 201, Review(_review, _booking, 4, "Patient and clear"));

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find("button").TextContent.Should().Be("Write a review"), Patience);
        review.Find("button").GetAttribute("aria-label").Should().Be("Write a review of algebra with Tess Tutor");
        await review.Find("button").ClickAsync();

        var id = _booking.ToString("N");
        review.Find("fieldset legend").TextContent.Should().Be("Rating");
        review.FindAll("input[type=radio]").Select(r => r.ParentElement!.TextContent.Trim()).Should().Equal("1 star", "2 stars", "3 stars", "4 stars", "5 stars");
        review.Find($"#comment-{id}-count").TextContent.Should().Be("0 of 2,000 characters");
        review.Find($"#comment-{id}").GetAttribute("maxlength").Should().Be("2000");
        review.Find($"#comment-{id}").Input("Patient and clear");
        review.Find($"#comment-{id}-count").TextContent.Should().Be("17 of 2,000 characters", "the count follows each keystroke");
        review.Find($"#comment-{id}").Change("Patient and clear");
        review.FindAll("input[type=radio]")[3].Change("4");
        await review.Find("form").SubmitAsync();

        review.WaitForAssertion(() => review.Find("[role=status]").TextContent.Should().Be("Thank you: your review is posted."), Patience);
        var sent = BodiesSent("POST", "/api/reviews").Should().ContainSingle().Subject;
        sent.GetProperty("bookingId").GetGuid().Should().Be(_booking);
        sent.GetProperty("rating").GetInt32().Should().Be(4);
        sent.GetProperty("comment").GetString().Should().Be("Patient and clear");
        review.Find(".stars").GetAttribute("aria-label").Should().Be("4 of 5 stars");
        review.Find(".comment").TextContent.Should().Be("Patient and clear");
        review.FindAll("button").Select(b => b.TextContent).Should().Equal("Edit", "Delete");
        review.Markup.Should().Contain("You can edit until").And.Contain("(Europe/Berlin)");
    }

    [Fact]
    public async Task Field_errors_from_the_problem_details_appear_next_to_the_stars_and_the_comment()
    {
        SignIn(PlatformRoles.Student);
        AnswerNoReview();
        Answer(App, "POST", "api/reviews", 400, Problem(400, "One or more validation errors occurred.", errors: [("rating", "rating must be a whole number from 1 to 5."), ("comment", "comment must be at most 2000 characters.")]));

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find("button").TextContent.Should().Be("Write a review"), Patience);
        await review.Find("button").ClickAsync();
        await review.Find("form").SubmitAsync();

        var id = _booking.ToString("N");
        review.WaitForAssertion(() => review.Find($"#rating-{id}-error").TextContent.Should().Be("rating must be a whole number from 1 to 5."), Patience);
        review.Find($"#comment-{id}-error").TextContent.Should().Be("comment must be at most 2000 characters.");
        review.Find($"#comment-{id}").GetAttribute("aria-invalid").Should().Be("true");
        review.Find($"#comment-{id}").GetAttribute("aria-describedby").Should().Contain($"comment-{id}-error");
        review.Find(".problem strong").TextContent.Should().Be("One or more validation errors occurred.");
        review.Find(".problem").QuerySelectorAll("li").Should().BeEmpty("each field error is shown at its field, not repeated");
        BodiesSent("POST", "/api/reviews").Single().GetProperty("rating").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "no star was chosen");
    }

    [Fact]
    public async Task An_edit_sends_the_new_stars_and_comment_and_a_closed_window_is_shown_as_the_services_problem()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/booking/{_booking}", 200, Review(_review, _booking, 3, "Fine"));
        Answer(App, "PATCH", $"api/reviews/{_review}", 409,
            Problem(409, "The review can no longer be edited", "Reviews can be edited for 7 days after posting."));

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find(".comment").TextContent.Should().Be("Fine"), Patience);
        await review.FindAll("button").Single(b => b.TextContent == "Edit").ClickAsync();

        var id = _booking.ToString("N");
        review.Find($"#comment-{id}").GetAttribute("value").Should().Be("Fine", "the form starts from the review");
        review.Find($"#comment-{id}-count").TextContent.Should().Be("4 of 2,000 characters");
        review.FindAll("input[type=radio]")[2].HasAttribute("checked").Should().BeTrue("3 stars are chosen");
        review.FindAll("input[type=radio]")[4].Change("5");
        review.Find($"#comment-{id}").Change("");
        await review.Find("form").SubmitAsync();

        review.WaitForAssertion(() => review.Find(".problem").TextContent.Should().Contain("Reviews can be edited for 7 days after posting."), Patience);
        var sent = BodiesSent("PATCH", $"/api/reviews/{_review}").Should().ContainSingle().Subject;
        sent.GetProperty("rating").GetInt32().Should().Be(5);
        sent.GetProperty("comment").GetString().Should().Be("", "an emptied comment removes it");

        Answer(App, "PATCH", $"api/reviews/{_review}", 200, Review(_review, _booking, 5, null));
        await review.Find("form").SubmitAsync();
        review.WaitForAssertion(() => review.Find("[role=status]").TextContent.Should().Be("Your review is updated."), Patience);
        review.Find(".stars").GetAttribute("aria-label").Should().Be("5 of 5 stars");
        review.FindAll(".comment").Should().BeEmpty();
    }

    [Fact]
    public async Task After_the_edit_window_only_delete_is_offered_and_it_asks_first()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/booking/{_booking}", 200,
            Review(_review, _booking, 2, "Late twice", reply: "Sorry, it will not happen again.", editableUntil: DateTimeOffset.UtcNow.AddMinutes(-1)));
        Answer(App, "DELETE", $"api/reviews/{_review}", 204);

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find(".reply").TextContent.Should().Be("Tess Tutor replied: Sorry, it will not happen again."), Patience);
        review.FindAll("button").Select(b => b.TextContent).Should().Equal("Delete");
        review.Markup.Should().NotContain("You can edit until");

        await review.Find("button").ClickAsync();
        review.Find("[role=group]").GetAttribute("aria-label").Should().Be("Delete your review?");
        CallsTo(App).Should().NotContain(r => r.Method == "DELETE", "nothing is deleted before the confirmation");
        await review.FindAll("button").Single(b => b.TextContent == "Keep it").ClickAsync();
        CallsTo(App).Should().NotContain(r => r.Method == "DELETE");

        await review.FindAll("button").Single(b => b.TextContent == "Delete").ClickAsync();
        await review.FindAll("button").Single(b => b.TextContent == "Delete review").ClickAsync();

        review.WaitForAssertion(() => review.Find("[role=status]").TextContent.Should().Be("Your review was deleted."), Patience);
        CallsTo(App).Should().ContainSingle(r => r.Method == "DELETE" && r.Path.EndsWith($"/api/reviews/{_review}", StringComparison.Ordinal));
        review.FindAll("button").Should().BeEmpty("a booking is reviewed once; a deleted review is not written again");
    }

    [Fact]
    public async Task A_hidden_review_says_so_and_a_failed_load_offers_to_try_again()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/booking/{_booking}", 503, "");

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find("[role=alert]").TextContent.Should().Contain("Something went wrong on our side"), Patience);
        review.FindAll("button").Select(b => b.TextContent).Should().Equal("Try again");

        Answer(App, "GET", $"api/reviews/booking/{_booking}", 200, Review(_review, _booking, 1, "Rude", state: "hidden"));
        await review.Find("button").ClickAsync();
        review.WaitForAssertion(() => review.Find(".notice").TextContent.Should().Contain("Hidden from others while a moderator looks"), Patience);
    }

    [Fact]
    public async Task A_booking_whose_review_was_deleted_cannot_be_reviewed_again_and_reviews_says_why()
    {
        SignIn(PlatformRoles.Student);
        // A deleted review is 404 for everyone, so the page offers to write one; reviews keeps its tombstone and refuses.
        AnswerNoReview();
        Answer(App, "POST", "api/reviews", 409, Problem(409, "The booking is already reviewed", "Edit the review instead."));

        var review = RenderReview();
        review.WaitForAssertion(() => review.Find("button").TextContent.Should().Be("Write a review"), Patience);
        await review.Find("button").ClickAsync();
        review.FindAll("input[type=radio]")[0].Change("1");
        await review.Find("form").SubmitAsync();

        review.WaitForAssertion(() => review.Find(".problem").TextContent.Should().Contain("The booking is already reviewed").And.Contain("Edit the review instead."), Patience);
        review.FindAll("form").Should().ContainSingle("the form stays, nothing was posted");
        review.FindAll(".stars").Should().BeEmpty();
    }

    [Fact]
    public void My_bookings_offers_a_review_only_under_completed_bookings()
    {
        SignIn(PlatformRoles.Student);
        var confirmed = Guid.NewGuid();
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Bookings.StudentJson.Booking(confirmed, "confirmed")}},{{Bookings.StudentJson.Booking(_booking, "completed")}}],"page":1,"pageSize":50,"total":2}""");
        AnswerNoReview();

        var page = Render<MyBookings>();

        page.WaitForAssertion(() => page.Find(".review-row button").TextContent.Should().Be("Write a review"), Patience);
        page.FindAll(".review-row").Should().ContainSingle();
        CallsTo(App).Should().ContainSingle().Which.Path.Should().EndWith($"/api/reviews/booking/{_booking}", "only the completed booking's review is asked for");
    }
}
