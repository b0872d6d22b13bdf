using System.Net;
using System.Net.Http.Json;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>What another app answered when asked for one thing: <see cref="Found"/>, not there (404), or it could not say.</summary>
public sealed record AppLookup<T>(T? Found, bool Unavailable)
    where T : class
{
    public static AppLookup<T> Missing { get; } = new(null, Unavailable: false);

    public static AppLookup<T> CouldNotSay { get; } = new(null, Unavailable: true);
}

/// <summary>One GET through this app's sidecar, read as an <see cref="AppLookup{T}"/>: 404 is "not there"; any other failure,
/// an unreachable sidecar, a timeout or an answer that is not what was asked for is "could not say" (the caller answers 503).</summary>
internal static class AppLookups
{
    public static async Task<AppLookup<T>> GetAsync<T>(HttpClient app, HttpRequestMessage request, Func<T, bool> isAnswer, CancellationToken ct)
        where T : class
    {
        try
        {
            using var response = await app.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return AppLookup<T>.Missing;
            }

            if (!response.IsSuccessStatusCode)
            {
                return AppLookup<T>.CouldNotSay;
            }

            var found = await response.Content.ReadFromJsonAsync<T>(ct);
            return found is not null && isAnswer(found) ? new AppLookup<T>(found, Unavailable: false) : AppLookup<T>.CouldNotSay;
        }
        catch (HttpRequestException)
        {
            return AppLookup<T>.CouldNotSay;
        }
        catch (System.Text.Json.JsonException)
        {
            return AppLookup<T>.CouldNotSay;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller going away.
            return AppLookup<T>.CouldNotSay;
        }
    }
}
