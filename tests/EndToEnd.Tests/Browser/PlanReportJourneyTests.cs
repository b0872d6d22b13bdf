using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>
/// Issue 18 in the browser: a free owner hits the channel limit, subscribes to Pro on /plans (a test card; the plan moves when
/// Stripe's webhooks say so), registers the second channel, exports its report as a PDF and watches the progress reach 100 %,
/// downloads it, and shares it with a password; the link is opened in an anonymous browser, counted, and once revoked is gone.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PlanReportJourneyTests(PlatformFixture platform)
{
    private const string SharePassword = "share password 1";

    [Fact]
    public Task Owner_upgrades_to_pro_adds_a_channel_exports_a_pdf_and_shares_it_with_a_password() =>
        BrowserJourney.RunAsync(platform, "plans-reports", async page =>
        {
            var owner = await BrowserJourney.CreateUserAsync(platform, "channel-owner", "Paula Planner");
            var first = $"plan_first_{Guid.NewGuid():N}"[..22];
            var second = $"plan_second_{Guid.NewGuid():N}"[..23];
            await BrowserJourney.SignInAsync(page, owner);

            // Free: one channel, the second is refused with the upgrade link.
            await page.GotoAsync("/channels");
            await RegisterAsync(page, first);
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Registered" })).ToContainTextAsync("@" + first);
            await page.GetByLabel("Channel @name").FillAsync("@" + second);
            await page.GetByRole(AriaRole.Button, new() { Name = "Register channel" }).ClickAsync();
            var limit = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your free plan allows 1 channel" });
            await Expect(limit).ToContainTextAsync("upgrade to Pro");

            // The upgrade link leads to the plans; the menu has them too.
            await limit.GetByRole(AriaRole.Link, new() { Name = "upgrade to Pro" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/plans$"));
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Plans" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your plan: Free" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Choose Pro" }).ClickAsync();
            await Expect(page.GetByLabel("Visa (succeeds)")).ToBeCheckedAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe for $9.00 a month" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your plan: Pro" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator(".subscription-state")).ToContainTextAsync("Your Pro subscription is active");
            await BrowserJourney.ScreenshotAsync(page, "plans-pro");

            // channels hears of the plan through pub/sub, moments after payments: the second channel goes in once it has.
            await page.GotoAsync("/channels");
            var registered = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Registered" });
            var stillFree = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Your free plan allows 1 channel" });
            for (var attempt = 0; attempt < 30 && !await registered.IsVisibleAsync(); attempt++)
            {
                await RegisterAsync(page, second);
                // The answer replaces the last one's alert: give it a moment, then see which it was.
                await page.WaitForTimeoutAsync(500);
                await Expect(registered.Or(stillFree)).ToBeVisibleAsync();
                if (!await registered.IsVisibleAsync())
                {
                    await page.WaitForTimeoutAsync(1_000);
                }
            }

            await Expect(registered).ToContainTextAsync("@" + second);
            await registered.GetByRole(AriaRole.Link, new() { Name = "Open its dashboard" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/channels/[0-9a-f-]{36}$"));

            // A sample first, so analytics knows the channel before the export gathers its numbers.
            var live = page.GetByRole(AriaRole.Region, new() { Name = "Live: the last 60 minutes" });
            await Expect(live.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Live: updates as samples arrive.", new() { Timeout = 60_000 });
            await page.GetByLabel("Value").FillAsync("7");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post sample" }).ClickAsync();
            await Expect(live.Locator("dd[data-metric=views]")).ToHaveTextAsync("7", new() { Timeout = 30_000 });

            // The forecast section answers one way or another (a new channel has too little history).
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Forecast: the next 7 days" }).GetByText("Not enough history yet.").First).ToBeVisibleAsync(new() { Timeout = 30_000 });

            var export = page.GetByRole(AriaRole.Region, new() { Name = "Export a report" });
            await export.GetByLabel("Period").SelectOptionAsync("7");
            await export.GetByLabel("PDF (with charts)").CheckAsync();
            await export.GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/reports/exports/[0-9a-f-]{36}$"));
            var progress = page.Locator("#export-progress");
            await Expect(progress).ToBeVisibleAsync();
            await Expect(progress).ToHaveAttributeAsync("value", "100", new() { Timeout = 120_000 });
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The report is ready" })).ToBeVisibleAsync();
            await BrowserJourney.ScreenshotAsync(page, "report-export-ready");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download PDF" }).ClickAsync());
            download.SuggestedFilename.Should().EndWith(".pdf");
            (await FirstBytesAsync(download)).Should().StartWith("%PDF");

            // A share link with a password: shown once, listed with its views.
            var share = page.GetByRole(AriaRole.Region, new() { Name = "Share this report" });
            await share.GetByLabel("Password (optional)").FillAsync(SharePassword);
            await share.GetByRole(AriaRole.Button, new() { Name = "Create share link" }).ClickAsync();
            var link = share.GetByLabel("Your new link (shown only now; copy it)");
            await Expect(link).ToHaveValueAsync(new Regex("/shared/[A-Za-z0-9_-]{43}$"));
            var url = await link.InputValueAsync();
            var row = share.GetByRole(AriaRole.Row).Filter(new() { HasText = "Report file" });
            await Expect(row).ToContainTextAsync("Active");

            // Someone without an account opens it: the password is asked, a wrong one said, the right one gives the file.
            var (visitorContext, visitor) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (visitorContext)
            {
                await visitor.GotoAsync(url);
                await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "This link is protected" })).ToBeVisibleAsync();
                await visitor.GetByLabel("Password").FillAsync("not the password");
                await visitor.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
                await Expect(visitor.Locator("#password-error")).ToHaveTextAsync("The password is wrong.");
                await visitor.GetByLabel("Password").FillAsync(SharePassword);
                await visitor.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
                var offered = visitor.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Download .+\\.pdf$") });
                await Expect(offered).ToBeVisibleAsync();
                var shared = await visitor.RunAndWaitForDownloadAsync(() => offered.ClickAsync());
                (await FirstBytesAsync(shared)).Should().StartWith("%PDF");

                // Counted once (the refused tries are not views); revoked, the link opens nothing.
                await page.GotoAsync("/reports");
                var listed = page.GetByRole(AriaRole.Region, new() { Name = "Share links" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Report file" });
                await Expect(listed.Locator("[data-views]")).ToHaveTextAsync("1");
                await listed.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke") }).ClickAsync();
                await Expect(listed.Locator(".state")).ToHaveTextAsync("Revoked");
                await visitor.GotoAsync(url);
                await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Link not found", Level = 1 })).ToBeVisibleAsync();
            }
        });

    private static async Task RegisterAsync(IPage page, string name)
    {
        await page.GetByLabel("Channel @name").FillAsync("@" + name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register channel" }).ClickAsync();
    }

    private static async Task<string> FirstBytesAsync(IDownload download)
    {
        await using var stream = await download.CreateReadStreamAsync();
        var buffer = new byte[4];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}
