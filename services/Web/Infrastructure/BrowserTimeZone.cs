using Microsoft.JSInterop;

namespace DaprPlatform.Web.Infrastructure;

/// <summary>
/// The person's time zone as their browser reports it (IANA id), asked once per circuit; UTC when the browser cannot say.
/// Times are always shown with the zone's name next to them.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js, ILogger<BrowserTimeZone> logger)
{
    private TimeZoneInfo? _zone;

    public async ValueTask<TimeZoneInfo> GetAsync()
    {
        if (_zone is not null)
        {
            return _zone;
        }

        try
        {
            var id = await js.InvokeAsync<string>("daprPlatform.timeZone");
            _zone = TimeZoneInfo.TryFindSystemTimeZoneById(id ?? "", out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is JSException or InvalidOperationException or TaskCanceledException)
        {
            logger.LogDebug(e, "The browser did not say its time zone; using UTC");
            _zone = TimeZoneInfo.Utc;
        }

        return _zone;
    }

    /// <summary>The person picked another zone on the page (or a test fixes one).</summary>
    public void Use(TimeZoneInfo zone) => _zone = zone ?? throw new ArgumentNullException(nameof(zone));
}
