using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Tutor;

namespace DaprPlatform.Web.Tests.Reviews;

/// <summary>The tutor's Lessons page shows a completed lesson's review and takes the tutor's one reply.</summary>
public sealed class LessonReviewTests : ReviewsContext
{
    private readonly Guid _completed = Guid.NewGuid(), _unreviewed = Guid.NewGuid(), _confirmed = Guid.NewGuid(), _review = Guid.NewGuid();

    private static string Lesson(Guid id, string status) => $$"""
        {"bookingId":"{{id}}","studentName":"Sam Student","subject":"algebra","start":"2026-12-04T09:00:00Z","end":"2026-12-04T10:00:00Z",
         "durationMinutes":60,"price":{"amount":4000,"currency":"USD"},"status":"{{status}}"}
        """;

    private IRenderedComponent<LessonsPage> RenderLessons(Guid tutorId)
    {
        Answer("tutoring", "GET", $"api/tutors/{tutorId}", 404, Problem(404, "Not Found"));
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson(_confirmed, "confirmed")}},{{Lesson(_completed, "completed")}},{{Lesson(_unreviewed, "completed")}}],"page":1,"pageSize":20,"total":3}""");
        Answer(App, "GET", $"api/reviews/booking/{_unreviewed}", 404, Problem(404, "Not Found"));
        return Render<LessonsPage>();
    }

    [Fact]
    public async Task A_completed_lessons_review_is_shown_and_the_tutor_replies_once()
    {
        var tutorId = SignIn(PlatformRoles.Tutor, "Tess Tutor");
        Answer(App, "GET", $"api/reviews/booking/{_completed}", 200, Review(_review, _completed, 4, "Patient and clear"));
        Answer(App, "POST", $"api/reviews/{_review}/reply", 400, Problem(400, "One or more validation errors occurred.", errors: [("text", "text must be 1 to 2000 characters.")]));

        var page = RenderLessons(tutorId);

        // The two completed lessons' reviews load independently: wait for both.
        page.WaitForAssertion(() =>
        {
            page.FindAll(".lesson-review").Select(r => r.TextContent.Trim()).Should().HaveCount(2).And.Contain("No review yet.");
            page.FindAll(".lesson-review .stars").Should().ContainSingle();
        }, Patience);
        var reviewed = page.Find(".lesson-review");
        reviewed.GetAttribute("aria-label").Should().Be("Review of algebra with Sam Student");
        reviewed.QuerySelector(".stars")!.GetAttribute("aria-label").Should().Be("4 of 5 stars");
        reviewed.QuerySelector(".comment")!.TextContent.Should().Be("Patient and clear");
        CallsTo(App).Should().NotContain(r => r.Path.Contains(_confirmed.ToString(), StringComparison.Ordinal), "only completed lessons have reviews");

        await page.FindAll("button").Single(b => b.TextContent == "Reply").ClickAsync();
        var id = _completed.ToString("N");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => page.Find($"#reply-{id}-error").TextContent.Should().Be("text must be 1 to 2000 characters."), Patience);
        page.Find($"#reply-{id}").GetAttribute("aria-invalid").Should().Be("true");

        Answer(App, "POST", $"api/reviews/{_review}/reply", 200, Review(_review, _completed, 4, "Patient and clear", reply: "Thank you, Sam!"));
        page.Find($"#reply-{id}").Change("  Thank you, Sam!  ");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => page.Find(".reply").TextContent.Should().Be("Your reply: Thank you, Sam!"), Patience);
        BodiesSent("POST", $"/api/reviews/{_review}/reply").Last().GetProperty("text").GetString().Should().Be("Thank you, Sam!");
        page.FindAll("button").Select(b => b.TextContent).Should().NotContain("Reply", "reviews takes one reply");
    }

    [Fact]
    public void A_review_already_answered_shows_the_reply_and_no_form()
    {
        var tutorId = SignIn(PlatformRoles.Tutor, "Tess Tutor");
        Answer(App, "GET", $"api/reviews/booking/{_completed}", 200, Review(_review, _completed, 2, "Late", reply: "Sorry about that."));

        var page = RenderLessons(tutorId);

        page.WaitForAssertion(() => page.Find(".reply").TextContent.Should().Be("Your reply: Sorry about that."), Patience);
        page.FindAll("button").Select(b => b.TextContent).Should().NotContain("Reply");
    }
}
