using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>A tutor's Payouts page in a real browser: connecting a payout account through the Stripe stand-in's onboarding and asking for a payout.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TutorPayoutBrowserTests(PlatformFixture platform)
{
    [Fact]
    public Task A_tutor_connects_a_payout_account_finishes_onboarding_comes_back_enabled_and_asks_for_a_payout() =>
        BrowserJourney.RunAsync(platform, "tutor-payouts", async page =>
        {
            var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", "Paula Payout");
            await BrowserJourney.SignInAsync(page, tutor);

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Payouts" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payouts" })).ToBeVisibleAsync();
            await Expect(page.GetByText("Connect a payout account to be paid")).ToBeVisibleAsync();

            // The stand-in's hosted onboarding completes when opened and sends the browser back to the return URL: this page.
            await page.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" }).ClickAsync();
            await page.WaitForURLAsync("**/tutor/payouts");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Request payout now" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.GetByText("No payouts yet.")).ToBeVisibleAsync();

            using (var account = new HttpRequestMessage(HttpMethod.Get, "/api/payouts/account"))
            {
                account.Headers.Authorization = new("Bearer", tutor.AccessToken);
                using var read = await platform.Gateway.SendAsync(account);
                read.StatusCode.Should().Be(HttpStatusCode.OK);
                (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("enabled");
            }

            // Nothing earned yet: payments refuses to start a payout that would be skipped (422 with the balance and the minimum),
            // and the page says so next to the button; nothing is started, so the history stays empty.
            await page.GetByRole(AriaRole.Button, new() { Name = "Request payout now" }).ClickAsync();
            var refused = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The balance is below the minimum payout." });
            await Expect(refused).ToBeVisibleAsync();
            await Expect(refused).ToContainTextAsync("Your balance is 0.00 USD; a payout needs at least 10.00 USD.");
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Payout requested for" })).ToHaveCountAsync(0);
            await Expect(page.GetByText("No payouts yet.")).ToBeVisibleAsync();
            await BrowserJourney.ScreenshotAsync(page, "tutor-payouts");
        });

    /// <summary>At a phone's width (390 px): the page fits, and its controls are reached and used with the keyboard.</summary>
    [Fact]
    public Task At_phone_width_the_payouts_page_fits_and_its_controls_are_reached_by_keyboard() =>
        BrowserJourney.RunAsync(platform, "tutor-payouts-phone", async page =>
        {
            var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", "Pia Phone");
            await BrowserJourney.SignInAsync(page, tutor);
            await page.GotoAsync("/tutor/payouts");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payouts" })).ToBeVisibleAsync();
            var connect = page.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" });
            await Expect(connect).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);

            // From the top of the content, Tab reaches the button and Enter uses it (onboarding comes back to this page).
            await page.Locator("#main").FocusAsync();
            await BrowserJourney.TabToAsync(page, connect);
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/tutor/payouts");
            var request = page.GetByRole(AriaRole.Button, new() { Name = "Request payout now" });
            await Expect(request).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);

            await page.Locator("#main").FocusAsync();
            await BrowserJourney.TabToAsync(page, request);
            await page.Keyboard.PressAsync("Enter");
            // Nothing earned: the answer is the refusal below the minimum, which must fit the width too.
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The balance is below the minimum payout." })).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
        }, width: 390);
}
