using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaprPlatform.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>
/// A student reviews a completed lesson from My bookings and finds it on the tutor's page with the rating summary; the
/// tutor replies from Lessons; after a report, an admin hides the review from the Moderation page and the public list
/// no longer shows it.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ReviewJourneyTests(PlatformFixture platform)
{
    [Fact]
    public Task A_student_reviews_a_completed_lesson_the_tutor_replies_and_an_admin_hides_the_reported_review() =>
        BrowserJourney.RunAsync(platform, "review-reply-moderate", async page =>
        {
            var market = new Marketplace(platform);
            var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", $"Rhea Tutor {Guid.NewGuid().ToString("N")[..6]}");
            var tutorUser = new MarketUser(tutor.Id, tutor.AccessToken);
            await market.CreateTutorProfileAsync(tutorUser, hourlyRate: 3500);
            var student = await BrowserJourney.CreateUserAsync(platform, "student", "Rob Reviewer");
            var studentUser = new MarketUser(student.Id, student.AccessToken);
            var booking = await market.BookAsync(studentUser, tutorUser, Marketplace.SlotStart(TimeSpan.FromDays(5)), 60);
            await market.PayAsync(studentUser, await market.WaitForPaymentAsync(studentUser, booking), "pm_card_visa");
            (await market.WaitForSagaEndAsync(studentUser, booking)).GetProperty("outcome").GetString().Should().Be("confirmed");
            await market.TakePlaceAndCompleteAsync(tutorUser, booking);
            // booking.completed reaches reviews over pub/sub; until then reviews refuses the review (422).
            await Eventually.UntilAsync("reviews to learn of the completed booking",
                _ => platform.CountRowsAsync("reviews", $"reviewable_bookings WHERE booking_id = '{booking.BookingId}'"),
                count => count == 1, TimeSpan.FromSeconds(60), count => $"{count} rows", TimeSpan.FromMilliseconds(250));

            // The student writes the review from My bookings.
            await BrowserJourney.SignInAsync(page, student);
            await page.GetByRole(AriaRole.Link, new() { Name = "My bookings" }).First.ClickAsync();
            var row = page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex(Regex.Escape(tutor.DisplayName)) }).First;
            await Expect(row).ToContainTextAsync("Completed");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Write a review of algebra with {tutor.DisplayName}" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Rating" })).ToBeVisibleAsync();
            await page.GetByLabel("5 stars", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Comment (optional)").FillAsync("Patient and clear");
            await Expect(page.GetByText("17 of 2,000 characters")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Post review" }).ClickAsync();
            await Expect(page.GetByText("Thank you: your review is posted.")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "5 of 5 stars" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit" })).ToBeVisibleAsync();
            await Expect(page.GetByText("You can edit until")).ToContainTextAsync("(Europe/Berlin)");

            // It shows on the tutor's page with the summary.
            await page.GotoAsync($"/tutors/{tutor.Id}");
            var summary = page.GetByRole(AriaRole.Group, new() { Name = "Rating summary" });
            await Expect(summary).ToContainTextAsync(new Regex(@"5\.0\s+out of 5\s+\(1 review\)"));
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "1 review", Exact = true })).ToHaveAttributeAsync("href", "#reviews-heading");
            await Expect(page.GetByRole(AriaRole.Meter, new() { Name = "5 stars: 1 review" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Meter, new() { Name = "4 stars: 0 reviews" })).ToBeVisibleAsync();
            var review = page.GetByRole(AriaRole.Listitem, new() { Name = "Review by Rob Reviewer" });
            await Expect(review).ToContainTextAsync("Patient and clear");
            await BrowserJourney.ScreenshotAsync(page, "tutor-reviews");

            // The tutor replies from Lessons, once.
            var (tutorContext, tutorPage) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (tutorContext)
            {
                await BrowserJourney.SignInAsync(tutorPage, tutor);
                await tutorPage.GotoAsync("/tutor/bookings");
                var lessonReview = tutorPage.GetByRole(AriaRole.Region, new() { Name = "Review of algebra with Rob Reviewer" });
                await Expect(lessonReview).ToContainTextAsync("Patient and clear");
                await lessonReview.GetByRole(AriaRole.Button, new() { Name = "Reply to Rob Reviewer's review" }).ClickAsync();
                await lessonReview.GetByLabel(new Regex("^Your reply")).FillAsync("Thank you, Rob!");
                await lessonReview.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
                await Expect(lessonReview).ToContainTextAsync("Your reply: Thank you, Rob!");
                await Expect(lessonReview.GetByRole(AriaRole.Button, new() { Name = "Reply to Rob Reviewer's review" })).ToHaveCountAsync(0);
            }

            await page.ReloadAsync();
            await Expect(review).ToContainTextAsync($"{tutor.DisplayName} replied: Thank you, Rob!");
            // Reviews tells the signed-in author the review is theirs: nothing to mark helpful or report.
            await Expect(review).ToContainTextAsync("Your review");
            await Expect(review.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Helpful") })).ToHaveCountAsync(0);
            await Expect(review.GetByRole(AriaRole.Button, new() { Name = "Report" })).ToHaveCountAsync(0);

            // Another signed-in person reports it; an admin hides it from the Moderation page.
            var reporter = await market.NewStudentAsync();
            var reviewId = await ReviewIdAsync(student, booking.BookingId);
            var flag = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/reviews/{reviewId}/flag", reporter.Token, new { reason = "spam" });
            flag.StatusCode.Should().Be(HttpStatusCode.OK, await flag.Content.ReadAsStringAsync());
            var admin = await NewAdminAsync();
            var (adminContext, adminPage) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (adminContext)
            {
                await BrowserJourney.SignInAsync(adminPage, admin);
                await adminPage.GetByRole(AriaRole.Link, new() { Name = "Moderation" }).ClickAsync();
                await Expect(adminPage.GetByRole(AriaRole.Heading, new() { Name = "Moderation" })).ToBeVisibleAsync();
                var entry = adminPage.GetByRole(AriaRole.Listitem, new() { Name = "Review by Rob Reviewer of algebra" });
                await Expect(entry).ToContainTextAsync("1 open report:");
                await Expect(entry).ToContainTextAsync("Spam or advertising");
                await entry.GetByRole(AriaRole.Button, new() { Name = "Hide the review by Rob Reviewer" }).ClickAsync();
                await Expect(entry).ToContainTextAsync("Hidden");
                await Expect(entry.GetByRole(AriaRole.Button, new() { Name = "Restore the review by Rob Reviewer" })).ToBeVisibleAsync();
            }

            await page.ReloadAsync();
            await Expect(page.GetByText("No reviews yet.")).ToBeVisibleAsync();
        });

    private async Task<Guid> ReviewIdAsync(WebUser student, Guid bookingId)
    {
        var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/reviews/booking/{bookingId}", student.AccessToken);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("reviewId").GetGuid();
    }

    /// <summary>
    /// An admin, made the way an operator makes one: the platform's configured admin (<c>admin@example.com</c>, listed in
    /// components/secrets.dev.json; registered on first use in this platform's fresh databases) appoints a newly
    /// registered person through identity's API. The access token takes its role from identity's row at sign-in.
    /// </summary>
    private async Task<WebUser> NewAdminAsync()
    {
        var person = await BrowserJourney.CreateUserAsync(platform, "student", "Ada Admin");
        using var appoint = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Put, $"/api/users/{person.Id}/role",
            await ConfiguredAdminTokenAsync(), new { role = "admin" });
        appoint.StatusCode.Should().Be(HttpStatusCode.OK, await appoint.Content.ReadAsStringAsync());
        return person with { Role = "admin" };
    }

    private async Task<string> ConfiguredAdminTokenAsync()
    {
        const string email = "admin@example.com";
        using var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password = PlatformFixture.JourneyPassword });
        if (login.StatusCode == HttpStatusCode.Unauthorized)
        {
            return (await platform.RegisterAndLogInAsync("student", email)).AccessToken;
        }

        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
