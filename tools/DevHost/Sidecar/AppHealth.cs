using System.Threading.Channels;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>
/// daprd's app health checks (pkg/apphealth/health.go, pkg/channel/http/http_channel.go HealthProbe), for an app with
/// <c>enableAppHealthCheck: true</c>: GET the health path every probe interval (and at once when asked), each probe
/// bounded by the probe timeout, any 2xx healthy. The app starts unhealthy; the first passing probe makes it healthy and
/// failures turn it unhealthy when they reach the threshold. As in daprd a probe is only recorded when its result
/// differs from the current status, so a passing probe does not reset a failure count still below the threshold.
/// </summary>
internal sealed class AppHealth(AppHealthCheck settings, Uri healthUrl, HttpClient client, TimeProvider time, Action<bool, string?> changed)
{
    private readonly Channel<bool> _queue = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _lastFailure;
    private int _failures = settings.Threshold;

    public AppHealthCheck Settings => settings;

    public bool IsHealthy => Volatile.Read(ref _failures) < settings.Threshold;

    /// <summary>Why the latest failing probe failed, e.g. "Health check failed with status code: 503".</summary>
    public string? LastFailure => _lastFailure;

    /// <summary>Asks for a probe now (at most one waits), as daprd does when it starts probing.</summary>
    public void Enqueue() => _queue.Writer.TryWrite(true);

    /// <summary>
    /// Asks for a probe now and completes on the next one that passes, whatever the status was before: a restarted app is
    /// ready when its new process answers, not on health counted for the process before it (a quick restart leaves the
    /// failure count below the threshold, so the status alone still says healthy).
    /// </summary>
    public Task WaitForPassingProbeAsync(CancellationToken ct)
    {
        var pass = Volatile.Read(ref _nextPass);
        Enqueue();
        return pass.Task.WaitAsync(ct);
    }

    /// <summary>Probes until <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        Enqueue();
        try
        {
            while (true)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    await Task.WhenAny(Task.Delay(settings.ProbeInterval, time, wait.Token), _queue.Reader.WaitToReadAsync(wait.Token).AsTask());
                    ct.ThrowIfCancellationRequested();
                    await wait.CancelAsync();
                }

                _queue.Reader.TryRead(out _);
                Record(await ProbeAsync(ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // DevHost is stopping.
        }
    }

    /// <summary>One probe: null when healthy, else the reason, in daprd's words.</summary>
    private async Task<string?> ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.ProbeTimeout);
        try
        {
            using var response = await client.GetAsync(healthUrl, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300 ? null : $"Health check failed with status code: {status}";
        }
        catch (HttpRequestException ex)
        {
            return $"Network error: {ex.Message}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"Network error: no answer within {settings.ProbeTimeout.TotalMilliseconds} ms";
        }
    }

    private void Record(string? failure)
    {
        if (failure is not null) { _lastFailure = failure; }
        var healthy = failure is null;
        if (healthy)
        {
            Interlocked.Exchange(ref _nextPass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        if (healthy == IsHealthy) { return; }
        if (healthy)
        {
            Volatile.Write(ref _failures, 0);
            changed(true, null);
            return;
        }

        if (Interlocked.Increment(ref _failures) == settings.Threshold)
        {
            changed(false, failure);
        }
    }
}
