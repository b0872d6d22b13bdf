using System.Text.Json;
using Bunit;
using DaprPlatform.Web.Features.Tutor;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class TutorProfilePageTests : TutorPageContext
{
    private static async Task AddSubject(IRenderedComponent<TutorProfilePage> page, string subject)
    {
        await page.Find("#subject").InputAsync(subject);
        await page.Find("#subject").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
    }

    private static Task ClickButton(IRenderedComponent<TutorProfilePage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent == text).ClickAsync();

    [Fact]
    public async Task Without_a_profile_the_form_creates_one_with_the_rate_in_minor_units_and_the_browsers_zone()
    {
        SignInAsTutor();
        AnswerNoProfile();
        Answer("tutoring", "POST", "api/tutors/profile", 201, ProfileJson(timezone: "Europe/Berlin"));

        var page = Render<TutorProfilePage>();
        page.WaitForAssertion(() => page.Find(".notice").TextContent.Should().Contain("no tutor profile yet"), Patience);
        page.Find("#timezone").GetAttribute("value").Should().Be("Europe/Berlin", "the browser's zone is the default");
        page.Find("#displayName").GetAttribute("value").Should().Be("Ada Tutor");

        await page.Find("#bio").ChangeAsync("Algebra, patiently.");
        await AddSubject(page, "Algebra");
        await AddSubject(page, "geometry");
        page.FindAll(".chips li span").Select(s => s.TextContent).Should().Equal("Algebra", "geometry");
        await page.Find("button[aria-label='Remove Algebra']").ClickAsync();
        await AddSubject(page, "algebra");
        await page.Find("#hourlyRate").ChangeAsync("40.00");
        await page.Find("#currency").ChangeAsync("EUR");
        await ClickButton(page, "Create profile");

        page.WaitForAssertion(() => page.Find("[role=status]").TextContent.Should().Be("Profile created."), Patience);
        var post = CallsTo("tutoring").Should().ContainSingle(c => c.Method == "POST").Subject;
        var body = JsonDocument.Parse(post.Body).RootElement;
        body.GetProperty("bio").GetString().Should().Be("Algebra, patiently.");
        body.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Should().Equal("geometry", "algebra");
        body.GetProperty("hourlyRate").GetProperty("amount").GetInt64().Should().Be(4000);
        body.GetProperty("hourlyRate").GetProperty("currency").GetString().Should().Be("EUR");
        body.GetProperty("timezone").GetString().Should().Be("Europe/Berlin");
        page.FindAll("button").Should().Contain(b => b.TextContent == "Save profile", "the profile exists now");
        page.Find("a[href='/tutor/availability']").TextContent.Should().Be("Set your weekly availability");
    }

    [Fact]
    public async Task A_field_error_from_tutorings_problem_is_shown_next_to_its_field_and_marks_the_input_invalid()
    {
        SignInAsTutor();
        AnswerNoProfile();
        Answer("tutoring", "POST", "api/tutors/profile", 400, """
            {"title":"One or more validation errors occurred.","status":400,
             "errors":{"timezone":["timezone must be an IANA time zone id such as Europe/Berlin or America/New_York."],
                       "subjects[0]":["A subject is 1 to 40 characters."]}}
            """);

        var page = Render<TutorProfilePage>();
        page.WaitForElement("#timezone", Patience);
        await page.Find("#timezone").ChangeAsync("Mars/Olympus_Mons");
        await AddSubject(page, "algebra");
        await page.Find("#hourlyRate").ChangeAsync("40");
        await ClickButton(page, "Create profile");

        page.WaitForAssertion(() => page.Find("#timezone-error").TextContent.Should().Contain("must be an IANA time zone id"), Patience);
        page.Find("#timezone").GetAttribute("aria-invalid").Should().Be("true");
        page.Find("#timezone").GetAttribute("aria-describedby").Should().Contain("timezone-error");
        page.Find("#subjects-error").TextContent.Should().Contain("A subject is 1 to 40 characters.");
        page.Find("#subject").GetAttribute("aria-invalid").Should().Be("true");
        page.Find("#hourlyRate").GetAttribute("aria-invalid").Should().BeNull();
        page.Find(".problem").TextContent.Should().Contain("One or more validation errors occurred.")
            .And.NotContain("IANA", "a field's message is shown at its field, not twice");
        page.Markup.Should().NotContain("\"errors\"", "no raw JSON");
    }

    [Fact]
    public async Task A_rate_that_is_not_a_number_in_the_persons_locale_is_refused_at_the_field_without_a_call()
    {
        SignInAsTutor();
        AnswerNoProfile();

        var page = Render<TutorProfilePage>();
        page.WaitForElement("#hourlyRate", Patience);
        await AddSubject(page, "algebra");
        await page.Find("#hourlyRate").ChangeAsync("40.005");
        await ClickButton(page, "Create profile");

        page.Find("#hourlyRate-error").TextContent.Should().Be("USD has 2 decimal places at most, e.g. 40.00.");
        page.Find("#hourlyRate").GetAttribute("aria-invalid").Should().Be("true");
        CallsTo("tutoring").Should().OnlyContain(c => c.Method == "GET");
    }

    [Fact]
    public async Task An_existing_profile_is_patched_and_a_changed_rate_goes_to_the_pricing_endpoint()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("tutoring", "PATCH", "api/tutors/profile", 200, ProfileJson());
        Answer("tutoring", "PUT", "api/tutors/pricing", 200, ProfileJson(rate: """{"amount":4550,"currency":"USD"}"""));

        var page = Render<TutorProfilePage>();
        page.WaitForAssertion(() => page.Find("#hourlyRate").GetAttribute("value").Should().Be("40.00"), Patience);
        page.Find("#timezone").GetAttribute("value").Should().Be("America/New_York", "the profile's zone, not the browser's");
        page.FindAll(".chips li span").Select(s => s.TextContent).Should().Equal("algebra", "geometry");

        await page.Find("#hourlyRate").ChangeAsync("45.50");
        await page.Find("button[aria-label='Remove geometry']").ClickAsync();
        await ClickButton(page, "Save profile");

        page.WaitForAssertion(() => page.Find("[role=status]").TextContent.Should().Be("Profile saved."), Patience);
        var calls = CallsTo("tutoring").Where(c => c.Method != "GET").ToList();
        calls.Select(c => c.Method).Should().Equal("PATCH", "PUT");
        JsonDocument.Parse(calls[0].Body).RootElement.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Should().Equal("algebra");
        var rate = JsonDocument.Parse(calls[1].Body).RootElement.GetProperty("hourlyRate");
        rate.GetProperty("amount").GetInt64().Should().Be(4550);
        rate.GetProperty("currency").GetString().Should().Be("USD");
        page.Find("#hourlyRate").GetAttribute("value").Should().Be("45.50");
    }

    [Fact]
    public async Task An_unchanged_rate_is_not_sent_again_and_a_refused_rate_keeps_what_was_typed()
    {
        SignInAsTutor();
        AnswerProfile(ProfileJson());
        Answer("tutoring", "PATCH", "api/tutors/profile", 200, ProfileJson());
        Answer("tutoring", "PUT", "api/tutors/pricing", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"hourlyRate.amount":["The hourly rate must be more than zero."]}}""");

        var page = Render<TutorProfilePage>();
        page.WaitForElement("#hourlyRate", Patience);
        page.WaitForAssertion(() => page.Find("#hourlyRate").GetAttribute("value").Should().Be("40.00"), Patience);
        await ClickButton(page, "Save profile");
        page.WaitForAssertion(() => page.Find("[role=status]").TextContent.Should().Be("Profile saved."), Patience);
        CallsTo("tutoring").Should().NotContain(c => c.Method == "PUT");

        await page.Find("#hourlyRate").ChangeAsync("0");
        await ClickButton(page, "Save profile");

        page.WaitForAssertion(() => page.Find("#hourlyRate-error").TextContent.Should().Be("The hourly rate must be more than zero."), Patience);
        page.Find("#hourlyRate").GetAttribute("value").Should().Be("0");
    }
}
