using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar;

public partial class SidecarClient
{
    private static readonly TimeSpan FirstProbeDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxProbeDelay = TimeSpan.FromSeconds(2);

    /// <summary>GET /v1.0/metadata.</summary>
    public async Task<SidecarMetadata> GetMetadataAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1.0/metadata", null, ct);
        await EnsureSuccessAsync(response, "get metadata", ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        return SidecarMetadataReader.Read(doc.RootElement.Clone());
    }

    /// <summary>GET /v1.0/healthz/outbound: 204 once components and the HTTP API are up (the app channel is not needed).</summary>
    public async Task<bool> CheckOutboundHealthAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, "v1.0/healthz/outbound", null, ct);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient timeout, not the caller cancelling.
            return false;
        }
    }

    /// <summary>Probes outbound health with exponential backoff until it answers 204 or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForSidecarAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var started = TimeProvider.GetTimestamp();
        var delay = FirstProbeDelay;
        var attempts = 0;
        while (true)
        {
            attempts++;
            var remaining = timeout - TimeProvider.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                probeTimeout.CancelAfter(remaining < MaxProbeDelay ? remaining : MaxProbeDelay);
                try
                {
                    if (await CheckOutboundHealthAsync(probeTimeout.Token))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // One probe took too long; keep trying until the overall deadline.
                }
            }

            remaining = timeout - TimeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new SidecarUnavailableException(
                    $"Sidecar at {Options.HttpEndpoint} was not healthy (GET /v1.0/healthz/outbound) after {attempts} attempts in {timeout}.");
            }

            _logger.LogDebug("Sidecar at {Endpoint} not ready yet (attempt {Attempt}); retrying in {Delay}", Options.HttpEndpoint, attempts, delay);
            await Task.Delay(delay < remaining ? delay : remaining, TimeProvider, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxProbeDelay.Ticks));
        }
    }
}
