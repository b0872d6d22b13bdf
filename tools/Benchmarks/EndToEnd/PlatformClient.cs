using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>The answer to one metric batch POST.</summary>
public sealed record PostAnswer(HttpStatusCode? Status, TimeSpan? RetryAfter, string Detail)
{
    public bool IsSuccess => Status is { } s && (int)s is >= 200 and < 300;
}

/// <summary>The benchmark's view of the platform: the public gateway, and the gateway's sidecar for invocation calls.</summary>
public sealed class PlatformClient : IDisposable
{
    private readonly HttpClient _gateway;
    private readonly HttpClient _sidecar;
    private readonly IntakePath _via;
    private string? _accessToken;

    public PlatformClient(EndToEndSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _via = settings.Via;
        _gateway = Create(settings.Gateway, settings.Concurrency);
        _sidecar = Create(settings.Sidecar, settings.Concurrency);
    }

    /// <summary>Registers a channel-owner account and logs in (POST /api/auth/register, /api/auth/login through the gateway).</summary>
    public async Task SignUpOwnerAsync(string runTag, CancellationToken ct)
    {
        var email = $"bench.{runTag}@example.com";
        const string password = "benchmark owner passphrase 42";
        using (var register = await _gateway.PostAsJsonAsync("/api/auth/register", new { email, password, displayName = "Benchmark owner", role = "channel-owner" }, ct))
        {
            await ExpectAsync(register, HttpStatusCode.Created, "register the channel owner", ct);
        }

        using var login = await _gateway.PostAsJsonAsync("/api/auth/login", new { email, password }, ct);
        await ExpectAsync(login, HttpStatusCode.OK, "log in", ct);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
        _accessToken = tokens.GetProperty("accessToken").GetString() ?? throw new BenchmarkFailure("login answered without an accessToken");
    }

    /// <summary>POST /api/channels {telegram} through the gateway; the channel's id.</summary>
    public async Task<Guid> RegisterChannelAsync(string username, CancellationToken ct)
    {
        while (true)
        {
            using var request = Authorized(HttpMethod.Post, "/api/channels");
            request.Content = JsonContent.Create(new { telegram = username });
            using var response = await _gateway.SendAsync(request, ct);
            if (await WaitIfThrottledAsync(response, ct))
            {
                continue;
            }

            await ExpectAsync(response, HttpStatusCode.Created, $"register channel {username}", ct);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        }
    }

    /// <summary>DELETE /api/channels/{id} through the gateway's sidecar (cleanup, outside every measurement).</summary>
    public async Task RemoveChannelAsync(Guid channel, CancellationToken ct)
    {
        using var request = Authorized(HttpMethod.Delete, $"/v1.0/invoke/channels/method/api/channels/{channel}");
        using var response = await _sidecar.SendAsync(request, ct);
        await ExpectAsync(response, HttpStatusCode.NoContent, $"remove channel {channel}", ct);
    }

    /// <summary>POST /api/channels/{id}/metrics along the measured path; transport failures become an answer without status.</summary>
    public async Task<PostAnswer> PostBatchAsync(Guid channel, byte[] body, CancellationToken ct)
    {
        var (client, path) = _via == IntakePath.Gateway
            ? (_gateway, $"/api/channels/{channel}/metrics")
            : (_sidecar, $"/v1.0/invoke/channels/method/api/channels/{channel}/metrics");
        using var request = Authorized(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await client.SendAsync(request, ct);
            var detail = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(ct);
            return new PostAnswer(response.StatusCode, RetryAfterOf(response), detail);
        }
        catch (HttpRequestException ex)
        {
            return new PostAnswer(null, null, ex.Message);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return new PostAnswer(null, null, "timed out: " + ex.Message);
        }
    }

    /// <summary>
    /// The channel's totals from GET /api/analytics/channels/{id}/realtime?minutes=60, read through the gateway's sidecar
    /// (so the polling does not spend the gateway's per-client rate limit); null while analytics does not know the channel (404).
    /// </summary>
    public async Task<MetricCounts?> ReadTotalsAsync(Guid channel, CancellationToken ct)
    {
        using var request = Authorized(HttpMethod.Get, $"/v1.0/invoke/analytics/method/api/analytics/channels/{channel}/realtime?minutes=60");
        using var response = await _sidecar.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ExpectAsync(response, HttpStatusCode.OK, $"read realtime metrics of {channel}", ct);
        var view = await response.Content.ReadFromJsonAsync<RealtimeTotals>(ct) ?? throw new BenchmarkFailure($"realtime metrics of {channel}: empty answer");
        return view.Totals;
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _sidecar.Dispose();
    }

    private static HttpClient Create(Uri baseAddress, int concurrency) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency + 4, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null);

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new BenchmarkFailure($"could not {what}: {(int)response.StatusCode} {response.StatusCode} {body}");
        }
    }

    /// <summary>Outside the measured phases a 429 is simply waited out.</summary>
    private static async Task<bool> WaitIfThrottledAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        var wait = RetryAfterOf(response) ?? TimeSpan.FromSeconds(1);
        Console.WriteLine($"e2e: gateway rate limit reached, waiting {wait.TotalSeconds:F0} s");
        await Task.Delay(wait, ct);
        return true;
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken ?? throw new InvalidOperationException("Sign up first."));
        return request;
    }
}

/// <summary>The part of the /realtime answer the benchmark reads: its totals have MetricCounts' field names.</summary>
internal sealed record RealtimeTotals(MetricCounts Totals);

/// <summary>The run cannot go on; the message says what the platform answered.</summary>
public sealed class BenchmarkFailure(string message) : Exception(message);
