using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using DaprPlatform.Web.Features.Reviews;

namespace DaprPlatform.Web.Tests.Reviews;

/// <summary>A tutor's rating summary and reviews on the tutor page: order, paging by cursor, helpful marks and reports.</summary>
public sealed class TutorReviewListTests : ReviewsContext
{
    private static readonly Guid First = Guid.NewGuid(), Second = Guid.NewGuid(), Third = Guid.NewGuid();

    private IRenderedComponent<TutorReviewList> RenderList() =>
        Render<TutorReviewList>(p => p.Add(x => x.TutorId, TutorId).Add(x => x.TutorName, "Tess Tutor").Add(x => x.Zone, Berlin));

    /// <summary>reviews answers the first page, or the next when the request carries <paramref name="cursor"/>.</summary>
    private void AnswerPages(string sort, string firstPage, string cursor, string nextPage) =>
        Sidecar.Respond(r => r.Method == "GET" && r.Path == $"/v1.0/invoke/{App}/method/api/reviews/tutor/{TutorId}" && r.RawTarget.Contains($"sort={sort}", StringComparison.Ordinal)
            ? new SidecarReply(200, r.RawTarget.Contains($"cursor={cursor}", StringComparison.Ordinal) ? nextPage : firstPage)
            : null);

    [Fact]
    public void The_summary_shows_the_average_the_count_and_a_bar_per_star_and_each_review_its_tutors_reply()
    {
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(4.3m, 0, 0, 1, 0, 2), null,
            PublicReview(First, "Sam Student", 5, "Patient and clear", helpful: 2, reply: "Thank you!"),
            PublicReview(Second, "Ann Other", 5, null),
            PublicReview(Third, "Bo Third", 3, "Fine")));

        var list = RenderList();

        list.WaitForAssertion(() => list.Find(".average").TextContent.Should().Contain("4.3").And.Contain("out of 5").And.Contain("(3 reviews)"), Patience);
        list.FindAll(".distribution meter").Select(m => (m.GetAttribute("aria-label"), m.GetAttribute("value"), m.GetAttribute("max"))).Should().Equal(
            ("5 stars: 2 reviews", "2", "3"), ("4 stars: 0 reviews", "0", "3"), ("3 stars: 1 review", "1", "3"), ("2 stars: 0 reviews", "0", "3"), ("1 stars: 0 reviews", "0", "3"));
        var reviews = list.FindAll("li.review");
        reviews.Select(r => r.GetAttribute("aria-label")).Should().Equal("Review by Sam Student", "Review by Ann Other", "Review by Bo Third");
        reviews[0].QuerySelector(".stars")!.GetAttribute("aria-label").Should().Be("5 of 5 stars");
        reviews[0].QuerySelector(".comment")!.TextContent.Should().Be("Patient and clear");
        reviews[0].QuerySelector(".reply")!.TextContent.Should().Be("Tess Tutor replied: Thank you!");
        reviews[0].TextContent.Should().Contain("12/4/2026 (Europe/Berlin)", "the date is in the browser's zone, labelled");
        reviews[1].QuerySelector(".comment").Should().BeNull();
        reviews[0].TextContent.Should().Contain("2 found this helpful", "visitors see the count, not the button");
        list.FindAll(".review-actions button").Should().BeEmpty("helpful and report need a signed-in person");
        list.FindAll("button").Select(b => b.TextContent).Should().NotContain("Load more reviews", "there is no next page");
        CallsTo(App).Single().RawTarget.Should().Contain("sort=newest").And.Contain("limit=10").And.NotContain("cursor");
    }

    [Fact]
    public void A_tutor_without_reviews_says_so()
    {
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(null, 0, 0, 0, 0, 0), null));

        var list = RenderList();

        list.WaitForAssertion(() => list.Find(".empty").TextContent.Should().Be("No reviews yet."), Patience);
        list.FindAll("meter").Should().BeEmpty();
    }

    [Fact]
    public async Task Load_more_follows_the_cursor_and_the_most_helpful_order_starts_again_from_its_first_page()
    {
        AnswerPages("newest", TutorReviews(Summary(4.0m, 0, 0, 0, 3, 0), "page-two", PublicReview(First, "Sam Student", 4, "One")),
            "page-two", TutorReviews(Summary(4.0m, 0, 0, 0, 3, 0), null, PublicReview(Second, "Ann Other", 4, "Two")));
        AnswerPages("helpful", TutorReviews(Summary(4.0m, 0, 0, 0, 3, 0), "helpful-two", PublicReview(Third, "Bo Third", 4, "Three", helpful: 5)),
            "helpful-two", TutorReviews(Summary(4.0m, 0, 0, 0, 3, 0), null, PublicReview(First, "Sam Student", 4, "One")));

        var list = RenderList();
        list.WaitForAssertion(() => list.FindAll("li.review").Should().ContainSingle(), Patience);
        list.Find("button[aria-pressed=true]").TextContent.Should().Be("Newest");

        await list.FindAll("button").Single(b => b.TextContent == "Load more reviews").ClickAsync();
        list.WaitForAssertion(() => list.FindAll("li.review .comment").Select(c => c.TextContent).Should().Equal("One", "Two"), Patience);
        CallsTo(App).Last().RawTarget.Should().Contain("sort=newest").And.Contain("cursor=page-two");
        list.FindAll("button").Select(b => b.TextContent).Should().NotContain("Load more reviews", "the last page has no cursor");

        await list.FindAll("button").Single(b => b.TextContent == "Most helpful").ClickAsync();
        list.WaitForAssertion(() => list.FindAll("li.review .comment").Select(c => c.TextContent).Should().Equal("Three"), Patience);
        list.Find("button[aria-pressed=true]").TextContent.Should().Be("Most helpful");
        CallsTo(App).Last().RawTarget.Should().Contain("sort=helpful").And.NotContain("cursor");
        await list.FindAll("button").Single(b => b.TextContent == "Load more reviews").ClickAsync();
        list.WaitForAssertion(() => list.FindAll("li.review .comment").Select(c => c.TextContent).Should().Equal("Three", "One"), Patience);
        CallsTo(App).Last().RawTarget.Should().Contain("sort=helpful").And.Contain("cursor=helpful-two");
    }

    [Fact]
    public async Task A_failed_next_page_keeps_the_reviews_shown_and_says_why()
    {
        AnswerPages("newest", TutorReviews(Summary(4.0m, 0, 0, 0, 2, 0), "page-two", PublicReview(First, "Sam Student", 4, "One")), "page-two", "");
        Sidecar.Respond(r => r.RawTarget.Contains("cursor=page-two", StringComparison.Ordinal)
            ? new SidecarReply(400, Problem(400, "One or more validation errors occurred.", errors: [("cursor", "cursor must be a nextCursor of this list, with the same sort.")]))
            : null);

        var list = RenderList();
        list.WaitForAssertion(() => list.FindAll("li.review").Should().ContainSingle(), Patience);
        await list.FindAll("button").Single(b => b.TextContent == "Load more reviews").ClickAsync();

        list.WaitForAssertion(() => list.Find(".problem").TextContent.Should().Contain("cursor must be a nextCursor of this list"), Patience);
        list.FindAll("li.review").Should().ContainSingle();
    }

    [Fact]
    public async Task Helpful_toggles_with_the_count_reviews_answers_and_ones_own_review_is_refused_with_a_message()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(4.5m, 0, 0, 0, 1, 1), null,
            PublicReview(First, "Ann Other", 5, "Great", helpful: 1), PublicReview(Second, "Test Person", 4, "Mine")));
        Answer(App, "POST", $"api/reviews/{First}/helpful", 200, $$"""{"reviewId":"{{First}}","helpfulCount":2,"markedByMe":true}""");
        Answer(App, "DELETE", $"api/reviews/{First}/helpful", 200, $$"""{"reviewId":"{{First}}","helpfulCount":1,"markedByMe":false}""");
        Answer(App, "POST", $"api/reviews/{Second}/helpful", 403, Problem(403, "Forbidden", "You cannot mark your own review helpful."));

        var list = RenderList();
        list.WaitForAssertion(() => list.FindAll("li.review").Should().HaveCount(2), Patience);
        var helpful = () => list.FindAll("li.review")[0].QuerySelector(".review-actions button")!;
        helpful().TextContent.Should().Be("Helpful (1)");
        helpful().GetAttribute("aria-pressed").Should().Be("false");

        await helpful().ClickAsync();
        list.WaitForAssertion(() => helpful().TextContent.Should().Be("Helpful (2)"), Patience);
        helpful().GetAttribute("aria-pressed").Should().Be("true");

        await helpful().ClickAsync();
        list.WaitForAssertion(() => helpful().TextContent.Should().Be("Helpful (1)"), Patience);
        helpful().GetAttribute("aria-pressed").Should().Be("false");
        CallsTo(App).Where(r => r.Path.EndsWith("/helpful", StringComparison.Ordinal)).Select(r => r.Method).Should().Equal("POST", "DELETE");

        await list.FindAll("li.review")[1].QuerySelector(".review-actions button")!.ClickAsync();
        list.WaitForAssertion(() => list.FindAll("li.review")[1].QuerySelector(".problem")!.TextContent.Should().Contain("You cannot mark your own review helpful."), Patience);
        list.FindAll("li.review")[1].QuerySelector(".review-actions button")!.TextContent.Should().Be("Helpful (0)");
    }

    [Fact]
    public async Task A_signed_in_reader_sees_their_own_review_without_actions_their_helpful_marks_pressed_and_their_reports_noted()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(4.3m, 0, 0, 1, 0, 2), null,
            PublicReview(First, "Ann Other", 5, "Great", helpful: 3, mine: false, markedHelpfulByMe: true, flaggedByMe: false),
            PublicReview(Second, "Test Person", 5, "Mine", helpful: 1, mine: true, markedHelpfulByMe: false, flaggedByMe: false),
            PublicReview(Third, "Spam Bot", 3, "Buy cheap watches", mine: false, markedHelpfulByMe: false, flaggedByMe: true)));
        Answer(App, "DELETE", $"api/reviews/{First}/helpful", 200, $$"""{"reviewId":"{{First}}","helpfulCount":2,"markedByMe":false}""");

        var list = RenderList();
        list.WaitForAssertion(() => list.FindAll("li.review").Should().HaveCount(3), Patience);
        var reviews = list.FindAll("li.review");
        var helpful = reviews[0].QuerySelector(".review-actions button")!;
        helpful.GetAttribute("aria-pressed").Should().Be("true", "reviews says this reader marked it");
        reviews[1].QuerySelectorAll(".review-actions button").Should().BeEmpty("one's own review is neither marked nor reported");
        reviews[1].QuerySelector(".review-actions")!.TextContent.Should().Contain("Your review").And.Contain("1 found it helpful");
        reviews[2].QuerySelector(".review-actions")!.TextContent.Should().Contain("You reported this review.");
        reviews[2].QuerySelectorAll(".review-actions button").Select(b => b.TextContent).Should().Equal("Helpful (0)");

        // Pressed from the start, so the first click takes the mark back.
        await helpful.ClickAsync();
        list.WaitForAssertion(() => list.FindAll("li.review")[0].QuerySelector(".review-actions button")!.GetAttribute("aria-pressed").Should().Be("false"), Patience);
        CallsTo(App).Where(r => r.Path.EndsWith("/helpful", StringComparison.Ordinal)).Select(r => r.Method).Should().Equal("DELETE");
    }

    [Fact]
    public async Task A_report_takes_a_reason_and_a_note_shows_the_services_field_errors_and_thanks_once_sent()
    {
        SignIn(PlatformRoles.Student);
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(1.0m, 1, 0, 0, 0, 0), null, PublicReview(First, "Ann Other", 1, "Buy cheap watches")));
        Answer(App, "POST", $"api/reviews/{First}/flag", 400, Problem(400, "One or more validation errors occurred.", errors: [("note", "note is needed when the reason is other.")]));

        var list = RenderList();
        list.WaitForAssertion(() => list.FindAll("li.review").Should().ContainSingle(), Patience);
        await list.FindAll("button").Single(b => b.TextContent == "Report").ClickAsync();

        var id = First.ToString("N");
        list.FindAll($"#reason-{id} option").Select(o => o.GetAttribute("value")).Should().Equal("", "spam", "offensive", "offTopic", "falseInformation", "personalInformation", "other");
        list.Find($"#reason-{id}").Change("other");
        await list.Find("form.report").SubmitAsync();

        list.WaitForAssertion(() => list.Find($"#note-{id}-error").TextContent.Should().Be("note is needed when the reason is other."), Patience);
        list.Find($"#note-{id}").GetAttribute("aria-invalid").Should().Be("true");
        BodiesSent("POST", $"/api/reviews/{First}/flag").Single().GetProperty("reason").GetString().Should().Be("other");

        Answer(App, "POST", $"api/reviews/{First}/flag", 200, $$"""{"reviewId":"{{First}}","reason":"spam","state":"visible"}""");
        list.Find($"#reason-{id}").Change("spam");
        list.Find($"#note-{id}").Change("  Advertising  ");
        await list.Find("form.report").SubmitAsync();

        list.WaitForAssertion(() => list.Find("li.review .notice").TextContent.Should().Contain("the review is reported"), Patience);
        var sent = BodiesSent("POST", $"/api/reviews/{First}/flag").Last();
        sent.GetProperty("reason").GetString().Should().Be("spam");
        sent.GetProperty("note").GetString().Should().Be("Advertising");
        list.FindAll("form.report").Should().BeEmpty();
        list.FindAll("button").Select(b => b.TextContent).Should().NotContain("Report", "a person reports a review once");
    }
}

/// <summary>The tutor page's rating line at the top comes from reviews' summary; its link leads to the reviews below.</summary>
public sealed class TutorPageRatingTests : ReviewsContext
{
    private void AnswerTutor()
    {
        Answer("tutoring", "GET", $"api/tutors/{TutorId}", 200, Bookings.StudentJson.Profile());
        Answer("tutoring", "GET", $"api/tutors/{TutorId}/slots", 200, $$"""{"tutorId":"{{TutorId}}","durationMinutes":60,"slots":[]}""");
    }

    [Fact]
    public void The_rating_line_shows_the_average_and_links_the_count_to_the_reviews()
    {
        AnswerTutor();
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(4.5m, 0, 0, 0, 1, 1), null,
            PublicReview(Guid.NewGuid(), "Sam Student", 5, "Great"), PublicReview(Guid.NewGuid(), "Ann Other", 4, "Good")));

        var page = Render<Web.Features.Tutors.TutorPage>(p => p.Add(x => x.TutorId, TutorId));

        page.WaitForAssertion(() =>
        {
            page.Find("dd.rating span").TextContent.Should().Be("4.5 out of 5");
            page.FindAll("li.review").Should().HaveCount(2);
        }, Patience);
        var link = page.Find("dd.rating a");
        link.TextContent.Should().Be("2 reviews");
        link.GetAttribute("href").Should().Be("#reviews-heading");
        page.Find("#reviews-heading").TextContent.Should().Be("Reviews");
    }

    [Fact]
    public void A_tutor_without_reviews_says_so_in_the_rating_line()
    {
        AnswerTutor();
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 200, TutorReviews(Summary(null, 0, 0, 0, 0, 0), null));

        var page = Render<Web.Features.Tutors.TutorPage>(p => p.Add(x => x.TutorId, TutorId));

        page.WaitForAssertion(() => page.Find("dd.rating").TextContent.Trim().Should().Be("No reviews yet"), Patience);
    }

    [Fact]
    public void Without_an_answer_from_reviews_the_tutor_page_still_offers_booking_and_says_the_reviews_could_not_load()
    {
        AnswerTutor();
        Answer(App, "GET", $"api/reviews/tutor/{TutorId}", 503, "");

        var page = Render<Web.Features.Tutors.TutorPage>(p => p.Add(x => x.TutorId, TutorId));

        page.WaitForAssertion(() => page.Find(".tutor-reviews [role=alert]").TextContent.Should().Contain("Something went wrong on our side"), Patience);
        page.FindAll("dd.rating").Should().BeEmpty();
        page.Find("#book-heading").TextContent.Should().Be("Book a lesson");
    }
}
