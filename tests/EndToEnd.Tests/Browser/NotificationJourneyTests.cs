using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>The bell, the list and the channel settings in a real browser, with notifications the platform itself produces.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class NotificationJourneyTests(PlatformFixture platform)
{
    [Fact]
    public Task The_bell_counts_live_the_list_marks_read_and_settings_are_kept() =>
        BrowserJourney.RunAsync(platform, "notifications", async page =>
        {
            var market = new Marketplace(platform);
            var tutor = await market.NewTutorAsync(hourlyRate: 3600);
            var student = await BrowserJourney.CreateUserAsync(platform, "student", "Nora Student");

            // user.registered → the welcome notification, unread.
            await BrowserJourney.SignInAsync(page, student);
            var header = page.GetByRole(AriaRole.Banner);
            await Expect(header.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread", Exact = true })).ToBeVisibleAsync();

            // A booking paid while the page stays open: booking.confirmed reaches the bell without a reload.
            await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");
            var asStudent = new MarketUser(student.Id, student.AccessToken);
            var booking = await market.BookAsync(asStudent, tutor, Marketplace.SlotStart(TimeSpan.FromDays(3)), 60);
            var paymentId = await market.WaitForPaymentAsync(asStudent, booking);
            await market.PayAsync(asStudent, paymentId, "pm_card_visa");
            await Expect(header.GetByRole(AriaRole.Link, new() { Name = "Notifications, 2 unread", Exact = true })).ToBeVisibleAsync(new() { Timeout = 90_000 });
            (await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true")).Should().BeTrue("the count rose without a reload");

            await header.GetByRole(AriaRole.Link, new() { Name = "Notifications, 2 unread", Exact = true }).ClickAsync();
            await Expect(page).ToHaveTitleAsync("Notifications · DaprPlatform");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Level = 1 })).ToBeVisibleAsync();
            var items = page.GetByRole(AriaRole.List, new() { Name = "Your notifications" }).GetByRole(AriaRole.Listitem);
            await Expect(items).ToHaveCountAsync(2);
            await Expect(items.First).ToContainTextAsync("Booked: algebra", new() { Timeout = 5_000 });
            await Expect(items.Last).ToContainTextAsync("Welcome to DaprPlatform, Nora Student!");
            await Expect(items.First).ToContainTextAsync("(Europe/Berlin)");

            var welcome = items.Filter(new() { HasText = "Welcome to DaprPlatform" });
            await welcome.GetByRole(AriaRole.Button, new() { Name = "Mark read" }).ClickAsync();
            await Expect(welcome.GetByRole(AriaRole.Button, new() { Name = "Mark read" })).ToHaveCountAsync(0);
            await Expect(welcome.GetByText("Read", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(header.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread", Exact = true })).ToBeVisibleAsync(new() { Timeout = 3_000 });

            await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
            await Expect(header.GetByRole(AriaRole.Link, new() { Name = "Notifications, none unread", Exact = true })).ToBeVisibleAsync(new() { Timeout = 3_000 });
            await Expect(page.GetByText("Unread", new() { Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark read" })).ToHaveCountAsync(0);

            // Settings: Telegram without a chat id is refused next to the field; with one it is kept across a reload.
            await page.GetByRole(AriaRole.Link, new() { Name = "Notification settings" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notification settings" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("In the app")).ToBeCheckedAsync();
            await page.GetByLabel("On Telegram").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            var chatId = page.GetByLabel("Telegram chat id");
            await Expect(chatId).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "required when telegram is on" })).ToBeVisibleAsync();

            await chatId.FillAsync("@nora_student");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();

            await page.ReloadAsync();
            await Expect(page.GetByLabel("On Telegram")).ToBeCheckedAsync();
            await Expect(page.GetByLabel("Telegram chat id")).ToHaveValueAsync("@nora_student");
            await Expect(page.GetByLabel("By email")).Not.ToBeCheckedAsync();
        });

    [Fact]
    public Task At_phone_width_the_bell_list_and_settings_fit_and_work_from_the_keyboard() =>
        BrowserJourney.RunAsync(platform, "notifications-phone", async page =>
        {
            var student = await BrowserJourney.CreateUserAsync(platform, "student", "Omar Student");
            await BrowserJourney.SignInAsync(page, student);
            var bell = page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread", Exact = true });
            await Expect(bell).ToBeVisibleAsync();

            await bell.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("Welcome to DaprPlatform, Omar Student!")).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await BrowserJourney.ScreenshotAsync(page, "notifications-phone");

            await page.GetByRole(AriaRole.Button, new() { Name = "Mark read" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Notifications, none unread", Exact = true })).ToBeVisibleAsync(new() { Timeout = 3_000 });

            await page.GotoAsync("/notifications/preferences");
            await Expect(page.GetByLabel("Telegram chat id")).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
        }, width: 390);
}
