using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>A person the journey acts as, created through the gateway's API (fast) unless the journey is the sign-up itself.</summary>
public sealed record WebUser(Guid Id, string Email, string Password, string DisplayName, string Role, string AccessToken);

/// <summary>
/// Runs one journey in its own browser context. On failure it saves a screenshot and the page's HTML under the test output
/// (<c>browser-failures/</c> beside the test assembly) and names them, and any console errors, in the failure message.
/// </summary>
public static class BrowserJourney
{
    public const string Password = "correct horse battery staple";

    static BrowserJourney() => Assertions.SetDefaultExpectTimeout(20_000);

    public static string FailureFolder => Path.Combine(AppContext.BaseDirectory, "browser-failures");

    /// <summary>Screenshots the journeys take on purpose (the README's pictures come from here).</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "browser-screenshots");

    /// <summary>Saves the top of the page as <c>browser-screenshots/{name}.png</c> (viewport only, so it stays small).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png") });
    }

    /// <summary>Fails when the page scrolls sideways: what "works at phone width" means here.</summary>
    public static async Task ExpectNoSidewaysScrollAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        overflow.Should().BeLessThanOrEqualTo(0, $"{page.Url} must fit the viewport without scrolling sideways");
    }

    /// <summary>Presses Tab from where the focus is until <paramref name="target"/> has it: fails if it is not reached in <paramref name="most"/> presses.</summary>
    public static async Task TabToAsync(IPage page, ILocator target, int most = 20)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(target);
        for (var presses = 0; presses < most && !await target.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(target).ToBeFocusedAsync(new() { Timeout = 1_000 });
    }

    public static async Task RunAsync(PlatformFixture platform, string name, Func<IPage, Task> journey,
        string locale = "en-US", string timeZone = "Europe/Berlin", int width = 1280)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(journey);
        await using var context = await platform.Browser.NewContextAsync(locale, timeZone, width);
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors) { consoleErrors.Add(message.Text); }
            }
        };
        try
        {
            await journey(page);
        }
        catch (Exception failure)
        {
            var saved = await SaveAsync(context, name);
            string errors;
            lock (consoleErrors) { errors = consoleErrors.Count == 0 ? "none" : string.Join(" | ", consoleErrors); }
            throw new InvalidOperationException($"Browser journey '{name}' failed at {page.Url}. Saved: {saved}. Console errors: {errors}. The apps' output: {PlatformFixture.AppOutputPath}", failure);
        }
    }

    /// <summary>Another person's browser in the same journey (their own cookies).</summary>
    public static async Task<(IBrowserContext Context, IPage Page)> OpenSecondBrowserAsync(PlatformFixture platform, string timeZone = "America/New_York")
    {
        ArgumentNullException.ThrowIfNull(platform);
        var context = await platform.Browser.NewContextAsync(timeZone: timeZone);
        context.SetDefaultTimeout(20_000);
        return (context, await context.NewPageAsync());
    }

    private static async Task<string> SaveAsync(IBrowserContext context, string name)
    {
        var folder = Path.Combine(FailureFolder, $"{name}-{DateTime.UtcNow:HHmmss}");
        Directory.CreateDirectory(folder);
        var index = 0;
        foreach (var page in context.Pages)
        {
            index++;
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"page{index}.png"), FullPage = true });
                await File.WriteAllTextAsync(Path.Combine(folder, $"page{index}.html"), await page.ContentAsync());
            }
            catch (PlaywrightException e)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"page{index}.error.txt"), e.ToString());
            }
        }

        return folder;
    }

    /// <summary>Registers a person through the gateway and logs them in (for the token, when the test needs to arrange data by API).</summary>
    public static async Task<WebUser> CreateUserAsync(PlatformFixture platform, string role, string displayName)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var email = $"{role}.{Guid.NewGuid():N}@example.com";
        var register = await platform.Gateway.PostAsJsonAsync("/api/auth/register", new { email, password = Password, displayName, role });
        register.StatusCode.Should().Be(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        var id = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return new WebUser(id, email, Password, displayName, role, token);
    }

    /// <summary>Signs in through the sign-in page and waits for the start page.</summary>
    public static async Task SignInAsync(IPage page, WebUser user, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(user);
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(password ?? user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {user.DisplayName}" })).ToBeVisibleAsync();
    }
}
