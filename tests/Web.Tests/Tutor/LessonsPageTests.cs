using Bunit;
using DaprPlatform.Web.Features.Tutor;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class LessonsPageTests : TutorPageContext
{
    private static string Lesson(string student, string start, string status, Guid? studentId = null) => $$"""
        {"bookingId":"{{Guid.NewGuid()}}","studentId":"{{studentId ?? Guid.NewGuid()}}","studentName":"{{student}}","tutorId":"{{Guid.NewGuid()}}",
         "tutorName":"Ada Tutor","subject":"algebra","start":"{{start}}","end":"{{start}}","durationMinutes":60,
         "price":{"amount":4000,"currency":"USD"},"status":"{{status}}","paymentId":null,"refund":null,"cancellationReason":null,
         "workflowInstanceId":"x","createdAt":"2026-12-01T10:00:00+00:00","updatedAt":"2026-12-01T10:00:00+00:00"}
        """;

    [Fact]
    public void Lessons_show_student_subject_start_in_the_tutors_zone_duration_status_and_price()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson(timezone: "America/New_York"));
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("Grace Student", "2026-12-08T15:00:00+00:00", "awaitingPayment")}}],"page":1,"pageSize":20,"total":1}""");

        var page = Render<LessonsPage>();

        page.WaitForAssertion(() => page.FindAll("tbody tr").Should().ContainSingle(), Patience);
        var cells = page.FindAll("tbody td").Select(td => td.TextContent).ToList();
        cells.Should().Equal("Grace Student", "algebra", "12/8/2026 10:00\u202fAM (America/New_York)", "60 min", "Awaiting payment", "$40.00");
        page.Find("caption").TextContent.Should().Contain("America/New_York (your profile's time zone)");
        CallsTo("booking").Should().ContainSingle().Which.RawTarget.Should().Contain("as=tutor").And.Contain("page=1");
        page.FindAll("nav.pager").Should().BeEmpty("one page needs no pager");
    }

    /// <summary>messaging's list holding the tutor's one conversation with <paramref name="student"/>.</summary>
    private string ConversationWith(Guid conversation, Guid student, string name, bool archived = false) =>
        $$"""{"items":[{"id":"{{conversation}}","student":{"id":"{{student}}","name":"{{name}}"},"tutor":{"id":"{{TutorId}}","name":"Ada Tutor"},"otherParticipant":{"id":"{{student}}","name":"{{name}}"},"bookingId":null,"archived":{{(archived ? "true" : "false")}},"unread":0,"lastMessage":null,"createdAt":"2026-12-01T10:00:00Z","lastActivityAt":"2026-12-01T10:00:00Z"}],"nextCursor":null}""";

    [Fact]
    public void A_student_who_started_a_conversation_has_a_link_to_it_and_one_who_did_not_has_none()
    {
        SignInAsTutor();
        AnswerNoProfile();
        var talked = Guid.NewGuid();
        var conversation = Guid.NewGuid();
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("Grace Student", "2026-12-08T15:00:00+00:00", "confirmed", talked)}},{{Lesson("Quiet Student", "2026-12-07T15:00:00+00:00", "confirmed")}}],"page":1,"pageSize":20,"total":2}""");
        // Messaging finds the tutor's conversation with each student (inbox, then archive): only Grace has started one.
        Sidecar.Respond(r => r.Path == "/v1.0/invoke/messaging/method/api/conversations"
            ? new TestSupport.SidecarReply(200, r.RawTarget.Contains($"participant={talked}", StringComparison.Ordinal) && !r.RawTarget.Contains("archived=true", StringComparison.Ordinal)
                ? ConversationWith(conversation, talked, "Grace Student")
                : """{"items":[],"nextCursor":null}""")
            : null);

        var page = Render<LessonsPage>();

        page.WaitForAssertion(() => page.FindAll("a.message-link").Should().ContainSingle(), Patience);
        var link = page.Find("a.message-link");
        link.GetAttribute("href").Should().Be($"/messages/{conversation}");
        link.GetAttribute("aria-label").Should().Be("Messages with Grace Student");
        link.ParentElement!.TextContent.Should().StartWith("Grace Student");
        // One look-up per student: Grace is found in the inbox, the quiet student in neither inbox nor archive.
        var lookups = CallsTo("messaging").Select(r => r.RawTarget).ToList();
        lookups.Should().HaveCount(3).And.OnlyContain(t => t.Contains("participant=", StringComparison.Ordinal) && t.Contains("limit=1", StringComparison.Ordinal));
        lookups.Count(t => t.Contains($"participant={talked}", StringComparison.Ordinal)).Should().Be(1);
    }

    [Fact]
    public async Task An_archived_conversation_still_links_and_a_new_page_looks_up_only_students_not_seen_yet()
    {
        SignInAsTutor();
        AnswerNoProfile();
        var archivedWith = Guid.NewGuid();
        var archivedConversation = Guid.NewGuid();
        var laterStudent = Guid.NewGuid();
        var laterConversation = Guid.NewGuid();
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("Grace Student", "2026-12-08T15:00:00+00:00", "confirmed", archivedWith)}}],"page":1,"pageSize":1,"total":2}""");
        Sidecar.Respond(r => r.Path == "/v1.0/invoke/messaging/method/api/conversations"
            ? new TestSupport.SidecarReply(200, (r.RawTarget.Contains($"participant={archivedWith}", StringComparison.Ordinal), r.RawTarget.Contains("archived=true", StringComparison.Ordinal)) switch
            {
                (true, true) => ConversationWith(archivedConversation, archivedWith, "Grace Student", archived: true),
                (false, false) when r.RawTarget.Contains($"participant={laterStudent}", StringComparison.Ordinal) => ConversationWith(laterConversation, laterStudent, "Lin Student"),
                _ => """{"items":[],"nextCursor":null}""",
            })
            : null);

        var page = Render<LessonsPage>();

        page.WaitForAssertion(() => page.Find("a.message-link").GetAttribute("href").Should().Be($"/messages/{archivedConversation}"), Patience);

        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("Lin Student", "2026-12-01T15:00:00+00:00", "completed", laterStudent)}},{{Lesson("Grace Student", "2026-12-01T12:00:00+00:00", "completed", archivedWith)}}],"page":2,"pageSize":1,"total":2}""");
        await page.FindAll("button").Single(b => b.TextContent == "Next page").ClickAsync();

        page.WaitForAssertion(() => page.FindAll("a.message-link").Select(a => a.GetAttribute("href"))
            .Should().Equal($"/messages/{laterConversation}", $"/messages/{archivedConversation}"), Patience);
        var lookups = CallsTo("messaging").Select(r => r.RawTarget).ToList();
        lookups.Count(t => t.Contains($"participant={archivedWith}", StringComparison.Ordinal)).Should().Be(2, "inbox, then archive, once");
        lookups.Count(t => t.Contains($"participant={laterStudent}", StringComparison.Ordinal)).Should().Be(1, "found in the inbox");
    }

    [Fact]
    public void No_lessons_yet_is_said_plainly()
    {
        SignInAsTutor();
        AnswerNoProfile();
        Answer("booking", "GET", "api/bookings", 200, """{"items":[],"page":1,"pageSize":20,"total":0}""");

        var page = Render<LessonsPage>();

        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().Contain("No lessons yet."), Patience);
        page.FindAll("table").Should().BeEmpty();
    }

    [Fact]
    public async Task Pages_turn_and_a_failure_is_shown_as_a_message()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("First Page", "2026-12-08T15:00:00+00:00", "confirmed")}}],"page":1,"pageSize":20,"total":21}""");

        var page = Render<LessonsPage>();
        page.WaitForAssertion(() => page.Find("nav.pager").TextContent.Should().Contain("Page 1 of 2 (21 lessons)"), Patience);

        Answer("booking", "GET", "api/bookings", 200,
            $$"""{"items":[{{Lesson("Second Page", "2026-12-01T15:00:00+00:00", "completed")}}],"page":2,"pageSize":20,"total":21}""");
        await page.FindAll("button").Single(b => b.TextContent == "Next page").ClickAsync();
        page.WaitForAssertion(() => page.Find("tbody td").TextContent.Should().Be("Second Page"), Patience);
        CallsTo("booking").Last().RawTarget.Should().Contain("page=2");

        Answer("booking", "GET", "api/bookings", 503, "");
        await page.FindAll("button").Single(b => b.TextContent == "Previous page").ClickAsync();
        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Something went wrong on our side"), Patience);
        page.Find("tbody td").TextContent.Should().Be("Second Page", "the page already shown stays");
    }
}
