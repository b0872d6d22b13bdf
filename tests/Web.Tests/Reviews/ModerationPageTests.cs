using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Components.Layout;
using DaprPlatform.Web.Features.Reviews;

namespace DaprPlatform.Web.Tests.Reviews;

/// <summary>The admins' Moderation page: reported and hidden reviews with their reports, hide and restore.</summary>
public sealed class ModerationPageTests : ReviewsContext
{
    private readonly Guid _reported = Guid.NewGuid(), _hidden = Guid.NewGuid();

    private string Entry(Guid reviewId, string state, int openFlags, params (string Reason, string? Note, bool Resolved)[] flags) =>
        $$"""{"review":{{Review(reviewId, Guid.NewGuid(), 1, "Buy cheap watches", state: state, studentName: state == "hidden" ? "Hal Hidden" : "Rita Reported")}},"openFlagCount":{{openFlags}},"flags":{{JsonSerializer.Serialize(flags.Select(f => new { userId = Guid.NewGuid(), reason = f.Reason, note = f.Note, flaggedAt = "2026-12-05T12:00:00Z", resolved = f.Resolved }), JsonSerializerOptions.Web)}}}""";

    [Fact]
    public async Task Reported_reviews_show_their_reports_and_an_admin_hides_one_and_restores_another()
    {
        SignIn(PlatformRoles.Admin);
        Answer(App, "GET", "api/reviews/moderation", 200, $$"""
            {"items":[{{Entry(_hidden, "hidden", 3, ("spam", null, false), ("other", "Not a lesson review", false), ("offensive", null, false))}},
                      {{Entry(_reported, "visible", 1, ("offTopic", null, false), ("spam", null, true))}}],"page":1,"pageSize":20,"total":2}
            """);
        Answer(App, "POST", $"api/reviews/{_reported}/hide", 200, Review(_reported, Guid.NewGuid(), 1, "Buy cheap watches", state: "hidden", studentName: "Rita Reported"));
        Answer(App, "POST", $"api/reviews/{_hidden}/restore", 403, Problem(403, "Forbidden", "Only admins moderate reviews."));

        var page = Render<ModerationPage>();

        page.WaitForAssertion(() => page.FindAll("li.moderation-entry").Should().HaveCount(2), Patience);
        var hidden = page.FindAll("li.moderation-entry")[0];
        hidden.GetAttribute("aria-label").Should().Be("Review by Hal Hidden of algebra");
        hidden.QuerySelector(".state")!.TextContent.Should().Be("Hidden");
        hidden.TextContent.Should().Contain("3 open reports:");
        hidden.QuerySelectorAll(".flags li").Select(f => f.TextContent.Split('(')[0].Trim()).Should().Equal("Spam or advertising", "Something else: Not a lesson review", "Offensive");
        hidden.QuerySelector(".flags li")!.TextContent.Should().Contain("(Europe/Berlin)");
        hidden.QuerySelector("button")!.TextContent.Should().Be("Restore");
        var reported = page.FindAll("li.moderation-entry")[1];
        reported.QuerySelector(".state")!.TextContent.Should().Be("Visible");
        reported.QuerySelectorAll(".flags li.resolved").Should().ContainSingle().Which.TextContent.Should().Contain("settled");
        reported.QuerySelector("button")!.GetAttribute("aria-label").Should().Be("Hide the review by Rita Reported");

        await page.FindAll("li.moderation-entry")[1].QuerySelector("button")!.ClickAsync();
        page.WaitForAssertion(() => page.FindAll("li.moderation-entry")[1].QuerySelector(".state")!.TextContent.Should().Be("Hidden"), Patience);
        page.FindAll("li.moderation-entry")[1].TextContent.Should().Contain("No open reports.");
        page.FindAll("li.moderation-entry")[1].QuerySelector("button")!.TextContent.Should().Be("Restore");
        CallsTo(App).Should().Contain(r => r.Method == "POST" && r.Path.EndsWith($"/api/reviews/{_reported}/hide", StringComparison.Ordinal));

        await page.FindAll("li.moderation-entry")[0].QuerySelector("button")!.ClickAsync();
        page.WaitForAssertion(() => page.FindAll("li.moderation-entry")[0].QuerySelector(".problem")!.TextContent.Should().Contain("Only admins moderate reviews."), Patience);
        page.FindAll("li.moderation-entry")[0].QuerySelector(".state")!.TextContent.Should().Be("Hidden", "a refused decision changes nothing");
    }

    [Fact]
    public void Nothing_to_moderate_is_said_plainly_and_a_refusal_is_the_services_problem()
    {
        SignIn(PlatformRoles.Admin);
        Answer(App, "GET", "api/reviews/moderation", 200, """{"items":[],"page":1,"pageSize":20,"total":0}""");

        var page = Render<ModerationPage>();
        page.WaitForAssertion(() => page.Find(".empty").TextContent.Should().StartWith("Nothing to moderate"), Patience);
        CallsTo(App).Single().RawTarget.Should().Contain("page=1").And.Contain("pageSize=20");
    }

    [Fact]
    public void A_failed_load_shows_the_problem_with_try_again()
    {
        SignIn(PlatformRoles.Admin);
        Answer(App, "GET", "api/reviews/moderation", 403, Problem(403, "Forbidden", "Only admins see the moderation queue."));

        var page = Render<ModerationPage>();
        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Only admins see the moderation queue."), Patience);
        page.Find("button").TextContent.Should().Be("Try again");
    }

    [Theory]
    [InlineData(PlatformRoles.Admin, true)]
    [InlineData(PlatformRoles.Student, false)]
    [InlineData(PlatformRoles.Tutor, false)]
    public void The_moderation_link_is_in_the_menu_for_admins_only(string role, bool shown)
    {
        SignIn(role);
        // Students and tutors get the Messages link, which asks for its unread count as the page renders.
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", false));

        var menu = Render<NavMenu>();

        menu.FindAll("a").Any(a => a.GetAttribute("href") == "/admin/reviews" && a.TextContent == "Moderation").Should().Be(shown);
    }
}
