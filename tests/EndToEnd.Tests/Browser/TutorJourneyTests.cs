using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>A tutor's own pages in a real browser against the platform: profile, the weekly availability grid, lessons.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TutorJourneyTests(PlatformFixture platform)
{
    private static ILocator Cell(IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    [Fact]
    public Task A_tutor_creates_a_profile_paints_availability_that_is_kept_and_has_no_lessons_yet() =>
        BrowserJourney.RunAsync(platform, "tutor", async page =>
        {
            var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", "Tess Tutor");
            await BrowserJourney.SignInAsync(page, tutor);

            // Availability before any profile: a clear pointer to create one first.
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Availability" }).ClickAsync();
            await Expect(page.GetByText("Create your profile first.")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Create your tutor profile" }).ClickAsync();
            await Expect(page).ToHaveTitleAsync("Tutor profile · DaprPlatform");
            await Expect(page.GetByText("You have no tutor profile yet.")).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Your time zone")).ToHaveValueAsync("Europe/Berlin");

            // Without a subject tutoring refuses; its message sits at the subjects.
            await page.GetByLabel("About you").FillAsync("Algebra and geometry, one step at a time.");
            await page.GetByLabel("Hourly rate").FillAsync("45.50");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
            await Expect(page.GetByText("Give 1 to 10 subjects.")).ToBeVisibleAsync();
            await Expect(page.GetByLabel("New subject")).ToHaveAttributeAsync("aria-invalid", "true");

            await page.GetByLabel("New subject").FillAsync("Algebra");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add subject" }).ClickAsync();
            await page.GetByLabel("New subject").FillAsync("geometry");
            await page.GetByLabel("New subject").PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Your subjects" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
            await page.GetByLabel("Currency").SelectOptionAsync("EUR");
            await page.GetByLabel("Your time zone").FillAsync("America/New_York");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create profile" }).ClickAsync();
            await Expect(page.GetByText("Profile created.")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save profile" })).ToBeVisibleAsync();

            // The week grid, in the profile's zone.
            await page.GetByRole(AriaRole.Link, new() { Name = "Set your weekly availability" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Grid, new() { Name = "Weekly availability, times in America/New_York" })).ToBeVisibleAsync();

            // Drag: press on Monday 9:00, move to 11:30, release — Monday 9:00 to 12:00.
            await Cell(page, "Monday, 9:00 AM to 9:30 AM").HoverAsync();
            await page.Mouse.DownAsync();
            await Cell(page, "Monday, 10:30 AM to 11:00 AM").HoverAsync();
            await Cell(page, "Monday, 11:30 AM to 12:00 PM").HoverAsync();
            await page.Mouse.UpAsync();
            await Expect(Cell(page, "Monday, 10:00 AM to 10:30 AM")).ToHaveAttributeAsync("aria-pressed", "true");

            // Click: one cell on Wednesday; clicking Thursday twice leaves it off.
            await Cell(page, "Wednesday, 2:00 PM to 2:30 PM").ClickAsync();
            await Cell(page, "Thursday, 7:00 AM to 7:30 AM").ClickAsync();
            await Expect(Cell(page, "Thursday, 7:00 AM to 7:30 AM")).ToHaveAttributeAsync("aria-pressed", "true");
            await Cell(page, "Thursday, 7:00 AM to 7:30 AM").ClickAsync();
            await Expect(Cell(page, "Thursday, 7:00 AM to 7:30 AM")).ToHaveAttributeAsync("aria-pressed", "false");

            // Keyboard: Space toggles, Shift+ArrowDown carries the state to the next half hour and moves there.
            await Cell(page, "Friday, 8:00 AM to 8:30 AM").FocusAsync();
            await page.Keyboard.PressAsync("Space");
            await Expect(Cell(page, "Friday, 8:00 AM to 8:30 AM")).ToHaveAttributeAsync("aria-pressed", "true");
            await page.Keyboard.PressAsync("Shift+ArrowDown");
            await Expect(Cell(page, "Friday, 8:30 AM to 9:00 AM")).ToBeFocusedAsync();
            await Expect(Cell(page, "Friday, 8:30 AM to 9:00 AM")).ToHaveAttributeAsync("aria-pressed", "true");

            await Expect(page.GetByText("Unsaved changes.")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save availability" }).ClickAsync();
            await Expect(page.GetByText("Availability saved.")).ToBeVisibleAsync();
            await BrowserJourney.ScreenshotAsync(page, "tutor-availability");

            // Kept: a fresh page load shows the same cells and hours.
            await page.ReloadAsync();
            var hours = page.GetByRole(AriaRole.List, new() { Name = "Your weekly hours" }).GetByRole(AriaRole.Listitem);
            await Expect(hours).ToHaveTextAsync(["Monday, 9:00 AM – 12:00 PM", "Wednesday, 2:00 PM – 2:30 PM", "Friday, 8:00 AM – 9:00 AM"]);
            await Expect(Cell(page, "Monday, 11:30 AM to 12:00 PM")).ToHaveAttributeAsync("aria-pressed", "true");
            await Expect(Cell(page, "Monday, 12:00 PM to 12:30 PM")).ToHaveAttributeAsync("aria-pressed", "false");
            await Expect(page.GetByRole(AriaRole.Grid).GetByRole(AriaRole.Button, new() { Pressed = true })).ToHaveCountAsync(6 + 1 + 2);

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Lessons" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your lessons" })).ToBeVisibleAsync();
            await Expect(page.GetByText("No lessons yet.")).ToBeVisibleAsync();

            // What the pages saved is the public profile students see through the gateway.
            var response = await platform.Gateway.GetAsync($"/api/tutors/{tutor.Id}");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var profile = await response.Content.ReadFromJsonAsync<JsonElement>();
            profile.GetProperty("displayName").GetString().Should().Be("Tess Tutor");
            profile.GetProperty("bio").GetString().Should().Be("Algebra and geometry, one step at a time.");
            profile.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Should().Equal("algebra", "geometry");
            profile.GetProperty("hourlyRate").GetProperty("amount").GetInt64().Should().Be(4550);
            profile.GetProperty("hourlyRate").GetProperty("currency").GetString().Should().Be("EUR");
            profile.GetProperty("timezone").GetString().Should().Be("America/New_York");
            profile.GetProperty("availability").GetProperty("rules").EnumerateArray()
                .Select(r => $"{r.GetProperty("day").GetString()} {r.GetProperty("start").GetString()}-{r.GetProperty("end").GetString()}")
                .Should().Equal("monday 09:00-12:00", "wednesday 14:00-14:30", "friday 08:00-09:00");
        });

    [Fact]
    public Task At_phone_width_the_tutor_pages_fit_and_a_tap_toggles_a_cell() =>
        BrowserJourney.RunAsync(platform, "tutor-phone", async page =>
        {
            var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", "Pia Phone");
            using (var create = new HttpRequestMessage(HttpMethod.Post, "/api/tutors/profile"))
            {
                create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tutor.AccessToken);
                create.Content = JsonContent.Create(new
                {
                    bio = "Physics.",
                    subjects = new[] { "physics" },
                    hourlyRate = new { amount = 3000, currency = "USD" },
                    timezone = "Asia/Tokyo",
                    availability = new { rules = new[] { new { day = "tuesday", start = "18:00", end = "19:00" } } },
                });
                var created = await platform.Gateway.SendAsync(create);
                created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }

            await BrowserJourney.SignInAsync(page, tutor);
            await page.GotoAsync("/tutor/availability");
            await Expect(page.GetByRole(AriaRole.Grid, new() { Name = "Weekly availability, times in Asia/Tokyo" })).ToBeVisibleAsync();
            await Expect(Cell(page, "Tuesday, 6:30 PM to 7:00 PM")).ToHaveAttributeAsync("aria-pressed", "true");
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await Cell(page, "Sunday, 9:30 PM to 10:00 PM").ClickAsync();
            await Expect(Cell(page, "Sunday, 9:30 PM to 10:00 PM")).ToHaveAttributeAsync("aria-pressed", "true");
            await BrowserJourney.ScreenshotAsync(page, "tutor-availability-phone");

            await page.GotoAsync("/tutor/profile");
            await Expect(page.GetByLabel("Hourly rate")).ToHaveValueAsync("30.00");
            await Expect(page.GetByLabel("Your time zone")).ToHaveValueAsync("Asia/Tokyo");
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);

            await page.GotoAsync("/tutor/bookings");
            await Expect(page.GetByText("No lessons yet.")).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
        }, width: 390);
}
