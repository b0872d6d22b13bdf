using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using DaprPlatform.Web.Features.Tutor;
using Microsoft.AspNetCore.Components.Web;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class AvailabilityPageTests : TutorPageContext
{
    private static readonly PointerEventArgs Mouse = new() { PointerType = "mouse", Button = 0 };

    private static IElement Cell(IRenderedComponent<AvailabilityPage> page, string name) => page.Find($"button[aria-label='{name}']");

    private static string? Pressed(IRenderedComponent<AvailabilityPage> page, string name) => Cell(page, name).GetAttribute("aria-pressed");

    private IRenderedComponent<AvailabilityPage> RenderLoaded(string rules = "")
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson(rules));
        var page = Render<AvailabilityPage>();
        page.WaitForElement("table[role=grid]", Patience);
        return page;
    }

    [Fact]
    public void Loads_the_tutors_rules_into_the_grid_labelled_with_the_profiles_zone()
    {
        var page = RenderLoaded("""{"day":"monday","start":"09:00","end":"10:00"},{"day":"sunday","start":"21:30","end":"22:00"}""");

        page.Find("table[role=grid]").GetAttribute("aria-label").Should().Be("Weekly availability, times in America/New_York");
        page.FindAll("button[aria-pressed=true]").Select(b => b.GetAttribute("aria-label")).Should().Equal(
            "Monday, 9:00 AM to 9:30 AM", "Monday, 9:30 AM to 10:00 AM", "Sunday, 9:30 PM to 10:00 PM");
        page.FindAll("button.cell").Should().HaveCount(7 * 32);
        page.Find("ul.summary").TextContent.Should().Contain("Monday, 9:00 AM – 10:00 AM").And.Contain("Sunday, 9:30 PM – 10:00 PM");
        page.Find("h2").TextContent.Should().Contain("America/New_York");
        // One tab stop in the grid: the first selected cell.
        page.FindAll("button.cell[tabindex='0']").Should().ContainSingle().Which.GetAttribute("aria-label").Should().Be("Monday, 9:00 AM to 9:30 AM");
    }

    [Fact]
    public async Task A_mouse_click_toggles_a_cell_once_and_a_second_click_untoggles_it()
    {
        var page = RenderLoaded();
        const string nine = "Wednesday, 9:00 AM to 9:30 AM";

        // What a browser sends for one click: pointerdown, pointerup, then click (detail 1).
        await Cell(page, nine).PointerDownAsync(Mouse);
        await Cell(page, nine).PointerUpAsync(Mouse);
        await Cell(page, nine).ClickAsync(new MouseEventArgs { Detail = 1 });

        Pressed(page, nine).Should().Be("true");
        page.Find("[role=status]").TextContent.Should().Contain("Unsaved changes.");

        await Cell(page, nine).PointerDownAsync(Mouse);
        await Cell(page, nine).PointerUpAsync(Mouse);
        await Cell(page, nine).ClickAsync(new MouseEventArgs { Detail = 1 });

        Pressed(page, nine).Should().Be("false");
        page.Find("[role=status]").TextContent.Should().NotContain("Unsaved changes.", "back to what was saved");
    }

    [Fact]
    public async Task A_tap_toggles_through_its_click_because_a_touch_press_may_be_a_scroll()
    {
        var page = RenderLoaded();
        const string cell = "Friday, 7:00 AM to 7:30 AM";

        await Cell(page, cell).PointerDownAsync(new PointerEventArgs { PointerType = "touch" });
        Pressed(page, cell).Should().Be("false");
        await Cell(page, cell).ClickAsync(new MouseEventArgs { Detail = 1 });

        Pressed(page, cell).Should().Be("true");
    }

    [Fact]
    public async Task A_drag_paints_the_cells_it_covers_and_stops_at_pointerup()
    {
        var page = RenderLoaded();

        await Cell(page, "Monday, 9:00 AM to 9:30 AM").PointerDownAsync(Mouse);
        await Cell(page, "Monday, 9:30 AM to 10:00 AM").PointerEnterAsync(Mouse);
        await Cell(page, "Tuesday, 10:30 AM to 11:00 AM").PointerEnterAsync(Mouse);
        await page.Find("table[role=grid]").PointerUpAsync(Mouse);
        await Cell(page, "Sunday, 3:00 PM to 3:30 PM").PointerEnterAsync(Mouse);

        page.FindAll("button[aria-pressed=true]").Should().HaveCount(8);
        page.FindAll("ul.summary li").Select(li => li.TextContent).Should().Equal(
            "Monday, 9:00 AM – 11:00 AM", "Tuesday, 9:00 AM – 11:00 AM");
    }

    [Fact]
    public async Task The_keyboard_moves_with_arrows_toggles_with_space_or_enter_and_paints_with_shift()
    {
        var page = RenderLoaded();
        const string first = "Monday, 6:00 AM to 6:30 AM";
        Cell(page, first).GetAttribute("tabindex").Should().Be("0");

        await Cell(page, first).KeyDownAsync(new KeyboardEventArgs { Key = "ArrowDown" });
        Cell(page, first).GetAttribute("tabindex").Should().Be("-1");
        const string second = "Monday, 6:30 AM to 7:00 AM";
        Cell(page, second).GetAttribute("tabindex").Should().Be("0");

        // Space and Enter on a button make the browser send a click with detail 0.
        await Cell(page, second).ClickAsync(new MouseEventArgs { Detail = 0 });
        Pressed(page, second).Should().Be("true");

        await Cell(page, second).KeyDownAsync(new KeyboardEventArgs { Key = "ArrowRight", ShiftKey = true });
        await Cell(page, "Tuesday, 6:30 AM to 7:00 AM").KeyDownAsync(new KeyboardEventArgs { Key = "ArrowDown", ShiftKey = true });

        page.FindAll("button[aria-pressed=true]").Select(b => b.GetAttribute("aria-label")).Should().Equal(
            second, "Tuesday, 6:30 AM to 7:00 AM", "Tuesday, 7:00 AM to 7:30 AM");
        Cell(page, "Tuesday, 7:00 AM to 7:30 AM").GetAttribute("tabindex").Should().Be("0");
    }

    [Fact]
    public async Task Save_sends_each_days_contiguous_cells_as_one_rule_and_shows_what_tutoring_kept()
    {
        var page = RenderLoaded("""{"day":"monday","start":"09:00","end":"10:00"}""");
        var saved = """{"day":"monday","start":"09:00","end":"10:30"},{"day":"thursday","start":"14:00","end":"14:30"}""";
        Answer("tutoring", "PUT", "api/tutors/availability", 200, ProfileJson(saved));

        await Cell(page, "Monday, 10:00 AM to 10:30 AM").ClickAsync();
        await Cell(page, "Thursday, 2:00 PM to 2:30 PM").ClickAsync();
        await page.FindAll("button").Single(b => b.TextContent == "Save availability").ClickAsync();

        page.WaitForAssertion(() => page.Find("[role=status]").TextContent.Should().Contain("Availability saved."), Patience);
        var put = CallsTo("tutoring").Should().ContainSingle(c => c.Method == "PUT").Subject;
        put.Path.Should().EndWith("/api/tutors/availability");
        var rules = JsonDocument.Parse(put.Body).RootElement.GetProperty("rules").EnumerateArray()
            .Select(r => $"{r.GetProperty("day").GetString()} {r.GetProperty("start").GetString()}-{r.GetProperty("end").GetString()}");
        rules.Should().Equal("monday 09:00-10:30", "thursday 14:00-14:30");
        page.FindAll("ul.summary li").Select(li => li.TextContent).Should().Equal(
            "Monday, 9:00 AM – 10:30 AM", "Thursday, 2:00 PM – 2:30 PM");
    }

    [Fact]
    public async Task Clear_all_then_save_sends_no_rules()
    {
        var page = RenderLoaded("""{"day":"monday","start":"09:00","end":"17:00"}""");
        Answer("tutoring", "PUT", "api/tutors/availability", 200, ProfileJson());

        await page.FindAll("button").Single(b => b.TextContent == "Clear all").ClickAsync();
        page.Find("p.empty").TextContent.Should().Contain("students cannot book you");
        await page.FindAll("button").Single(b => b.TextContent == "Save availability").ClickAsync();

        page.WaitForAssertion(() => CallsTo("tutoring").Should().Contain(c => c.Method == "PUT"), Patience);
        JsonDocument.Parse(CallsTo("tutoring").Single(c => c.Method == "PUT").Body).RootElement.GetProperty("rules").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_refused_save_shows_tutorings_message_and_keeps_the_selection()
    {
        var page = RenderLoaded();
        Answer("tutoring", "PUT", "api/tutors/availability", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"rules":["At most 50 rules are allowed; got 51."]}}""");

        await Cell(page, "Monday, 9:00 AM to 9:30 AM").ClickAsync();
        await page.FindAll("button").Single(b => b.TextContent == "Save availability").ClickAsync();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("At most 50 rules are allowed; got 51."), Patience);
        Pressed(page, "Monday, 9:00 AM to 9:30 AM").Should().Be("true");
        page.Find("[role=status]").TextContent.Should().Contain("Unsaved changes.");
    }

    [Fact]
    public void A_tutor_without_a_profile_is_sent_to_create_it_first()
    {
        SignInAsTutor();
        AnswerNoProfile();

        var page = Render<AvailabilityPage>();

        page.WaitForAssertion(() => page.Find(".notice").TextContent.Should().Contain("Create your profile first"), Patience);
        page.Find(".notice a").GetAttribute("href").Should().Be("/tutor/profile");
        page.FindAll("table").Should().BeEmpty();
    }

    [Fact]
    public async Task When_tutoring_is_down_the_page_says_so_and_offers_to_try_again()
    {
        SignInAsTutor();
        Answer("tutoring", "GET", $"api/tutors/{TutorId}", 503, """{"title":"Service Unavailable","status":503,"detail":"Try later."}""");

        var page = Render<AvailabilityPage>();

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Try later."), Patience);
        AnswerProfile(ProfileJson("""{"day":"friday","start":"08:00","end":"09:00"}"""));
        await page.FindAll("button").Single(b => b.TextContent == "Try again").ClickAsync();
        page.WaitForAssertion(() => page.FindAll("button[aria-pressed=true]").Should().HaveCount(2), Patience);
    }

    [Fact]
    public async Task Rules_before_six_widen_the_grid_and_the_whole_day_can_be_shown()
    {
        var page = RenderLoaded("""{"day":"saturday","start":"05:00","end":"05:30"}""");

        Pressed(page, "Saturday, 5:00 AM to 5:30 AM").Should().Be("true");
        await page.FindAll("button").Single(b => b.TextContent == "Show all 24 hours").ClickAsync();

        Pressed(page, "Saturday, 12:00 AM to 12:30 AM").Should().Be("false");
        Pressed(page, "Saturday, 5:00 AM to 5:30 AM").Should().Be("true");
        page.FindAll("button.cell").Should().HaveCount(7 * 48);
    }
}
