using Microsoft.Playwright;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (ADR 0022): <c>CHROMIUM_PATH</c> or <c>/usr/bin/chromium</c>, headless, without the
/// sandbox when running as root (containers, CI). Playwright's own browser download is never used. One browser per platform;
/// each journey gets its own context (cookies, locale, time zone).
/// </summary>
public sealed class WebBrowser : IAsyncDisposable
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>A fresh browser context, as a different person on a different machine would have.</summary>
    public async Task<IBrowserContext> NewContextAsync(string locale = "en-US", string timeZone = "Europe/Berlin", int width = 1280, int height = 900)
    {
        var browser = await StartAsync();
        return await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = PlatformFixture.Web.ToString(),
            Locale = locale,
            TimezoneId = timeZone,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
    }

    private async Task<IBrowser> StartAsync()
    {
        await _start.WaitAsync();
        try
        {
            if (_browser is not null)
            {
                return _browser;
            }

            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException(
                    $"No Chromium at {ExecutablePath}. scripts/test.sh installs Debian's package (apt-get install chromium); " +
                    "or set CHROMIUM_PATH. Playwright's own browser download is not used.");
            }

            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Chromium refuses to start its sandbox as root, which is how containers and CI run it.
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            });
            return _browser;
        }
        finally
        {
            _start.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _start.Dispose();
    }
}
