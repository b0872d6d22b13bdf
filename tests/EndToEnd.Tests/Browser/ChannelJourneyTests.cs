using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>A channel owner registers a channel, watches its dashboard move live, removes it; another owner sees none of it.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class ChannelJourneyTests(PlatformFixture platform)
{
    [Fact]
    public Task Owner_registers_a_channel_sees_a_posted_sample_on_the_live_chart_and_removes_it() =>
        BrowserJourney.RunAsync(platform, "channels", async page =>
        {
            var owner = await BrowserJourney.CreateUserAsync(platform, "channel-owner", "Olga Owner");
            // On pro, so the dashboard's 30-day summary (beyond free's 7 days of history) is shown rather than refused.
            await PlanChanges.PublishAsync(platform, owner.Id, "pro", version: 1, "subscribed");
            var name = $"some_channel_{Guid.NewGuid():N}"[..24];
            await BrowserJourney.SignInAsync(page, owner);

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "My channels" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My channels", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("You have no channels yet.")).ToBeVisibleAsync();

            // A malformed name: the service's words next to the field, nothing registered.
            await page.GetByLabel("Channel @name").FillAsync("@no");
            await page.GetByRole(AriaRole.Button, new() { Name = "Register channel" }).ClickAsync();
            await Expect(page.Locator("#telegram-error")).ToContainTextAsync("5 to 32");
            await Expect(page.GetByLabel("Channel @name")).ToHaveAttributeAsync("aria-invalid", "true");

            await page.GetByLabel("Channel @name").FillAsync("@" + name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Register channel" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Registered" })).ToContainTextAsync("@" + name);
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "@" + name });
            await Expect(row).ToBeVisibleAsync();

            // The same channel again is a clear conflict.
            await page.GetByLabel("Channel @name").FillAsync("@" + name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Register channel" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "This channel is already registered" })).ToBeVisibleAsync();

            await row.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page).ToHaveURLAsync(DashboardUrl());
            var dashboardUrl = page.Url;
            var live = page.GetByRole(AriaRole.Region, new() { Name = "Live: the last 60 minutes" });
            await Expect(live.GetByText("No samples in the last 60 minutes yet")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(live.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Live: updates as samples arrive.", new() { Timeout = 60_000 });

            // A sample posted through the gateway's API with the owner's token: the open page shows it without reloading.
            var channelId = Guid.Parse(DashboardUrl().Match(dashboardUrl).Groups[1].Value);
            using (var posted = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/channels/{channelId}/metrics", owner.AccessToken,
                       new { samples = new[] { new { id = "browser-1", kind = "views", value = 42, at = DateTimeOffset.UtcNow } } }))
            {
                ((int)posted.StatusCode).Should().Be(202, await posted.Content.ReadAsStringAsync());
            }

            var chart = live.GetByRole(AriaRole.Figure, new() { Name = "Views, reactions and joins per minute" });
            await Expect(chart).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(chart.GetByRole(AriaRole.Img).Filter(new() { HasText = "Per minute" })).ToContainTextAsync("40", new() { UseInnerText = false });
            await Expect(live.Locator("dd[data-metric=views]")).ToHaveTextAsync("42");
            await Expect(page.GetByRole(AriaRole.Figure, new() { Name = "Views, reactions and joins per hour" })).ToBeVisibleAsync();

            // And one through the form: joins move the same way.
            await page.GetByLabel("Metric").SelectOptionAsync("joins");
            await page.GetByLabel("Value").FillAsync("3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post sample" }).ClickAsync();
            await Expect(page.GetByText("Sent 3 joins.")).ToBeVisibleAsync();
            await Expect(live.Locator("dd[data-metric=joins]")).ToHaveTextAsync("3", new() { Timeout = 30_000 });
            await chart.GetByText("The chart's numbers").ClickAsync();
            await Expect(chart.GetByRole(AriaRole.Table)).ToContainTextAsync("42");
            await BrowserJourney.ScreenshotAsync(page, "channel-dashboard");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Summaries" })).ToBeVisibleAsync();
            page.Url.Should().Be(dashboardUrl, "nothing reloaded the page");

            // Another owner, in their own browser, opening the first owner's dashboard: not found, none of its data.
            var stranger = await BrowserJourney.CreateUserAsync(platform, "channel-owner", "Sam Stranger");
            var (otherContext, otherPage) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (otherContext)
            {
                await BrowserJourney.SignInAsync(otherPage, stranger);
                await otherPage.GotoAsync(dashboardUrl);
                await Expect(otherPage.GetByRole(AriaRole.Heading, new() { Name = "Channel not found", Level = 1 })).ToBeVisibleAsync();
                var html = await otherPage.ContentAsync();
                html.Should().NotContain(name).And.NotContain("Live: the last 60 minutes");
                await otherPage.GotoAsync("/channels");
                await Expect(otherPage.GetByText("You have no channels yet.")).ToBeVisibleAsync();
            }

            await page.GetByRole(AriaRole.Link, new() { Name = "All my channels" }).ClickAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            var confirm = page.GetByRole(AriaRole.Group, new() { Name = $"Confirm removing @{name}" });
            await Expect(confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, remove" })).ToBeFocusedAsync();
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, remove" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Removed" })).ToContainTextAsync("@" + name);
            await Expect(page.GetByText("You have no channels yet.")).ToBeVisibleAsync();
        });

    [Fact]
    public Task At_phone_width_by_keyboard_a_channel_is_registered_and_its_dashboard_fits_the_screen() =>
        BrowserJourney.RunAsync(platform, "channels-phone", async page =>
        {
            var owner = await BrowserJourney.CreateUserAsync(platform, "channel-owner", "Pia Phone");
            var name = $"phone_channel_{Guid.NewGuid():N}"[..25];
            await BrowserJourney.SignInAsync(page, owner);
            await page.GotoAsync("/channels");
            await Expect(page.GetByText("You have no channels yet.")).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);

            // Keyboard only: type the name (without the @) and press Enter; Tab to the dashboard link.
            await page.GetByLabel("Channel @name").FocusAsync();
            await page.Keyboard.TypeAsync(name);
            await page.Keyboard.PressAsync("Enter");
            var registered = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Registered" });
            await Expect(registered).ToContainTextAsync("@" + name);
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await registered.GetByRole(AriaRole.Link, new() { Name = "Open its dashboard" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(DashboardUrl());

            var live = page.GetByRole(AriaRole.Region, new() { Name = "Live: the last 60 minutes" });
            await Expect(live.GetByText("No samples in the last 60 minutes yet")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.GetByLabel("Value").FillAsync("5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post sample" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(live.Locator("dd[data-metric=views]")).ToHaveTextAsync("5", new() { Timeout = 30_000 });
            await Expect(live.GetByRole(AriaRole.Figure, new() { Name = "Views, reactions and joins per minute" })).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await BrowserJourney.ScreenshotAsync(page, "channel-dashboard-phone");
        }, width: 390);

    [GeneratedRegex("/channels/([0-9a-f-]{36})$")]
    private static partial Regex DashboardUrl();
}
