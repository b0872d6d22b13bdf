using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>
/// A student finds a tutor, books a slot shown in their own zone, pays with a Stripe test card and follows the booking saga
/// live; cancels from My bookings after seeing the refund; another student cannot see the booking.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class StudentJourneyTests(PlatformFixture platform)
{
    /// <summary>The student's browser zone; the tutor teaches in Berlin time.</summary>
    private const string StudentZone = "Asia/Tokyo";

    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById(StudentZone);

    [Fact]
    public Task A_student_finds_a_tutor_books_in_their_own_zone_pays_and_cancels_after_seeing_the_refund() =>
        BrowserJourney.RunAsync(platform, "student-book-pay-cancel", async page =>
        {
            var (tutor, subject) = await NewTutorAsync();
            var student = await BrowserJourney.CreateUserAsync(platform, "student", "Sam Student");
            var day = LocalToday().AddDays(2);
            await BrowserJourney.SignInAsync(page, student);

            await page.GotoAsync("/tutors");
            await Expect(page).ToHaveTitleAsync("Find a tutor · DaprPlatform");
            await page.GetByLabel("Subject").FillAsync(subject);
            await page.GetByLabel("Max price per hour").FillAsync("50");
            await page.GetByLabel($"Free from ({StudentZone})").FillAsync(Local(day, 13));
            await page.GetByLabel($"Free until ({StudentZone})").FillAsync(Local(day, 18));
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

            // The query is in the URL: reloading shows the same result.
            await Expect(page).ToHaveURLAsync(new Regex($"subject={subject}.*maxRate=50.*from=.*to="));
            await page.ReloadAsync();
            var result = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(Regex.Escape(tutor.DisplayName)) });
            await Expect(result).ToContainTextAsync("$40.00 per hour");
            await result.ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = tutor.DisplayName, Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText($"Times are in your time zone, {StudentZone}")).ToBeVisibleAsync();
            await page.GetByLabel("Subject").SelectOptionAsync(subject);
            await BrowserJourney.ScreenshotAsync(page, "tutor-slots");
            // 14:00 in Tokyo is 06:00 in Berlin: the slot is shown at the student's wall-clock time, named with their zone.
            await page.GetByRole(AriaRole.Button, new() { NameRegex = SlotName(day, 14) }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your booking" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Test card" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.GetByText("Hold the time slot")).ToBeVisibleAsync();
            await page.GetByLabel("Visa (succeeds)").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay $40.00" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirmed" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.GetByText($"({StudentZone})").First).ToBeVisibleAsync();
            // The booking is confirmed before the saga's last step (booking the slot) ends; the page follows it to the end.
            await Expect(page.GetByText("Payment sent; waiting for it to be confirmed")).ToBeHiddenAsync(new() { Timeout = 30_000 });
            await BrowserJourney.ScreenshotAsync(page, "booking-confirmed");

            await page.GetByRole(AriaRole.Link, new() { Name = "My bookings" }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My bookings" })).ToBeVisibleAsync();
            var row = page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(Regex.Escape(tutor.DisplayName)) });
            await Expect(row).ToContainTextAsync("Confirmed");
            await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Cancel ") }).ClickAsync();

            // The refund comes first; only the confirmation cancels.
            await Expect(page.GetByText("You get $40.00 back (100 %)")).ToBeVisibleAsync();
            await Expect(row).ToContainTextAsync("Confirmed");
            await page.GetByLabel("Reason (optional)").FillAsync("plans changed");
            await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();
            await Expect(row).ToContainTextAsync("Cancelled and refunded", new() { Timeout = 60_000 });
        }, timeZone: StudentZone);

    /// <summary>At a phone's width (390 px).</summary>
    [Fact]
    public Task A_declined_card_ends_the_booking_cancelled_with_the_reason() =>
        BrowserJourney.RunAsync(platform, "student-declined-card", async page =>
        {
            var (tutor, _) = await NewTutorAsync();
            var student = await BrowserJourney.CreateUserAsync(platform, "student", "Dee Declined");
            var day = LocalToday().AddDays(3);
            await BrowserJourney.SignInAsync(page, student);

            await page.GotoAsync($"/tutors/{tutor.Id}");
            await page.GetByLabel("Length").SelectOptionAsync("30");
            await Expect(page.GetByText("Price for 30 minutes: $20.00")).ToBeVisibleAsync();
            (await SidewaysScrollAsync(page)).Should().BeFalse("the week of slots fits a phone's width");
            await page.GetByRole(AriaRole.Button, new() { NameRegex = SlotName(day, 15) }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Test card" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.GetByLabel("Declined card").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay $20.00" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cancelled" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your payment was declined");
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Test card" })).ToHaveCountAsync(0);
            (await SidewaysScrollAsync(page)).Should().BeFalse();
        }, timeZone: StudentZone, width: 390);

    [Fact]
    public Task Another_student_opening_the_booking_sees_not_found_and_none_of_it() =>
        BrowserJourney.RunAsync(platform, "student-other-booking", async page =>
        {
            var (tutor, _) = await NewTutorAsync();
            var owner = await BrowserJourney.CreateUserAsync(platform, "student", "Olive Owner");
            // 10:00 UTC is 11:00 in Berlin, inside the tutor's day.
            var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(4).AddHours(10), TimeSpan.Zero);
            var booking = await new Marketplace(platform).BookAsync(new MarketUser(owner.Id, owner.AccessToken), new MarketUser(tutor.Id, tutor.AccessToken), start, 60);

            // The owner sees it.
            await BrowserJourney.SignInAsync(page, owner);
            await page.GotoAsync($"/bookings/{booking.BookingId}");
            // Exact: the page also has a "Message <tutor>" button.
            await Expect(page.GetByText(tutor.DisplayName, new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 60_000 });

            var (context, other) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (context)
            {
                var stranger = await BrowserJourney.CreateUserAsync(platform, "student", "Stan Stranger");
                await BrowserJourney.SignInAsync(other, stranger);
                await other.GotoAsync($"/bookings/{booking.BookingId}");
                await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Booking not found" })).ToBeVisibleAsync();
                var html = await other.ContentAsync();
                html.Should().NotContain(tutor.DisplayName).And.NotContain("algebra").And.NotContain("Olive Owner");
                await Expect(other.GetByRole(AriaRole.Group, new() { Name = "Test card" })).ToHaveCountAsync(0);
            }
        });

    /// <summary>A tutor in Berlin with a subject no other test uses, free all day every day, 40.00 USD an hour.</summary>
    private async Task<(WebUser Tutor, string Subject)> NewTutorAsync()
    {
        var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", $"Tess Tutor {Guid.NewGuid().ToString("N")[..6]}");
        var subject = $"topology{Guid.NewGuid().ToString("N")[..8]}";
        string[] days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        var profile = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/tutors/profile", tutor.AccessToken, new
        {
            bio = "Knots, surfaces and coffee cups.",
            subjects = new[] { subject, "algebra" },
            hourlyRate = new { amount = 4000, currency = "USD" },
            timezone = "Europe/Berlin",
            availability = new { rules = days.Select(day => new { day, start = "00:00", end = "23:45" }) },
        });
        profile.StatusCode.Should().Be(HttpStatusCode.Created, await profile.Content.ReadAsStringAsync());
        return (tutor, subject);
    }

    private static Task<bool> SidewaysScrollAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");

    private static DateOnly LocalToday() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Tokyo).DateTime);

    private static string Local(DateOnly day, int hour) => day.ToDateTime(new TimeOnly(hour, 0)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// "Book Wed 9 Dec 2:00 PM (Asia/Tokyo)" as the en-US page writes it, any kind of space before AM/PM. (This project runs
    /// globalization-invariant, whose day, month and AM/PM names are the English ones; en-US's short time is "h:mm tt".)
    /// </summary>
    private static Regex SlotName(DateOnly day, int hour)
    {
        var time = day.ToDateTime(new TimeOnly(hour, 0)).ToString("h:mm tt", CultureInfo.InvariantCulture);
        var name = $"Book {day.ToString("ddd d MMM", CultureInfo.InvariantCulture)} {time} ({StudentZone})";
        // "/" escaped too: Playwright writes the pattern into a /…/ selector literal.
        return new Regex("^" + Regex.Escape(name).Replace("\\ ", "\\s", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal) + "$");
    }
}
