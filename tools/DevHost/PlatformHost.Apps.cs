using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Processes;
using DaprPlatform.DevHost.Sidecar;

namespace DaprPlatform.DevHost;

/// <summary>Starting an app as daprd waits for it (port, then health when enabled), watching it, and reading what it declares.</summary>
public sealed partial class PlatformHost
{
    /// <summary>How far an app's start went.</summary>
    private enum AppReadiness
    {
        Ready,
        Exited,
        Stopped,

        /// <summary>Not ready within AppStartTimeout; DevHost keeps waiting in the background.</summary>
        NotYet,
    }

    /// <summary>
    /// Starts the app's command and waits up to <see cref="DevHostOptions.AppStartTimeout"/> for it to be ready. An app that
    /// exits first, or is not ready in time, is reported on one line and takes no other app down; one that is only slow is
    /// still made ready once it is, as daprd keeps waiting for its app. Returns that line when the app is not ready.
    /// </summary>
    private async Task<(AppReadiness Outcome, string? Report)> StartAppAsync(SidecarRuntime sidecar, CancellationToken ct)
    {
        var env = AppEnvironment(sidecar.App);
        var process = AppProcess.Start(sidecar.AppId, sidecar.App.Command, sidecar.App.AppDirectory, env, _console);
        _processes[sidecar.AppId] = process;
        sidecar.Pid = process.Pid;
        sidecar.State = AppState.Starting;
        _ = WatchExitAsync(sidecar, process);
        var waitingFor = new StrongBox<Func<string>>(() => "the process to start");
        var ready = BecomeReadyAsync(sidecar, process, waitingFor);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var first = await Task.WhenAny(ready, Task.Delay(_options.AppStartTimeout, _platform.Time, patience.Token));
        ct.ThrowIfCancellationRequested();
        await patience.CancelAsync();
        if (first != ready)
        {
            var notYet = $"[{sidecar.AppId}] not ready after {_options.AppStartTimeout.TotalSeconds:0.#} s: {waitingFor.Value!()}; "
                + "DevHost keeps waiting for it (as daprd does) and the other apps keep running";
            Print(notYet);
            _ = ReportLateAsync(sidecar, process, ready);
            return (AppReadiness.NotYet, notYet);
        }

        var outcome = await ready;
        var report = outcome == AppReadiness.Exited ? ExitedBeforeReady(sidecar, process) : null;
        if (report is not null) { Print(report); }
        return (outcome, report);
    }

    private static string ExitedBeforeReady(SidecarRuntime sidecar, AppProcess process)
        => $"[{sidecar.AppId}] exited with code {process.ExitCode} before it was ready; the other apps keep running";

    /// <summary>The outcome of a start that outlived AppStartTimeout, when it comes.</summary>
    private async Task ReportLateAsync(SidecarRuntime sidecar, AppProcess process, Task<AppReadiness> ready)
    {
        switch (await ready)
        {
            case AppReadiness.Ready:
                Print($"[{sidecar.AppId}] ready after all ({sidecar.State})");
                break;
            case AppReadiness.Exited:
                Print(ExitedBeforeReady(sidecar, process));
                break;
        }
    }

    /// <summary>
    /// daprd's start-up towards its app (pkg/runtime/runtime.go): wait until the app port accepts a TCP connection
    /// (blockUntilAppIsReady); then, at once — or, with health checks, on the first passing probe (appHealthChanged) —
    /// read GET /dapr/config and GET /dapr/subscribe and start delivering. Without health checks the sidecar reports
    /// itself ready (GET /v1.0/healthz) after that; with them as soon as the port is open. Ends early, without throwing,
    /// when the process exits, is stopped, or DevHost stops. <paramref name="waitingFor"/> says what it waits for.
    /// </summary>
    private async Task<AppReadiness> BecomeReadyAsync(SidecarRuntime sidecar, AppProcess process, StrongBox<Func<string>> waitingFor)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, process.Ended);
        try
        {
            if (sidecar.App.AppPort is { } port)
            {
                waitingFor.Value = () => $"nothing accepts connections on its appPort {port} yet";
                await WaitForAppPortAsync(port, run.Token);
                if (sidecar.App.HealthCheck is { } check)
                {
                    sidecar.AppChannelReady = true;
                    var health = HealthChecks(sidecar, check, port);
                    waitingFor.Value = () => $"its health check GET {check.Path} has not passed yet ({health.LastFailure ?? "no probe answered yet"})";
                    await health.WaitForPassingProbeAsync(run.Token);
                }

                waitingFor.Value = () => "GET /dapr/config and GET /dapr/subscribe have not answered yet";
                await _platform.Actors!.LoadAppConfigAsync(sidecar, run.Token);
                await LoadSubscriptionsAsync(sidecar, run.Token);
            }

            if (!IsCurrent(sidecar, process)) { return AppReadiness.Stopped; }
            sidecar.State = sidecar.AppHealthy ? AppState.Running : AppState.Unhealthy;
            OpenAppChannel(sidecar);
            return AppReadiness.Ready;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            if (_stopping.IsCancellationRequested || !IsCurrent(sidecar, process)) { return AppReadiness.Stopped; }
            sidecar.State = AppState.Exited;
            return AppReadiness.Exited;
        }
    }

    /// <summary>daprd's blockUntilAppIsReady: dial the app port (500 ms dial timeout) every 100 ms until it accepts.</summary>
    private async Task WaitForAppPortAsync(int port, CancellationToken ct)
    {
        while (true)
        {
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            using (var dialTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500), _platform.Time))
            using (var dial = CancellationTokenSource.CreateLinkedTokenSource(ct, dialTimeout.Token))
            {
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, dial.Token);
                    return;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The dial timed out.
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _platform.Time, ct);
        }
    }

    /// <summary>
    /// The app's health checks, started the first time the app listens and run until DevHost stops, like daprd's probes
    /// (a restarted app keeps them). While they fail the app is <see cref="AppState.Unhealthy"/>: no deliveries, and
    /// invocations are refused.
    /// </summary>
    private AppHealth HealthChecks(SidecarRuntime sidecar, AppHealthCheck check, int port)
    {
        lock (sidecar)
        {
            if (sidecar.Health is { } running) { return running; }
            var health = new AppHealth(check, new Uri($"http://127.0.0.1:{port}{check.Path}"), _platform.AppClient, _platform.Time,
                (healthy, reason) => AppHealthChanged(sidecar, healthy, reason));
            sidecar.Health = health;
            _deliveryLoops.GetOrAdd("health:" + sidecar.AppId, _ => Task.Run(() => health.RunAsync(_stopping.Token)));
            return health;
        }
    }

    private void AppHealthChanged(SidecarRuntime sidecar, bool healthy, string? reason)
    {
        if (healthy)
        {
            if (sidecar.State == AppState.Unhealthy) { sidecar.State = AppState.Running; }
            Print($"[{sidecar.AppId}] app entered healthy status");
            return;
        }

        if (sidecar.State == AppState.Running) { sidecar.State = AppState.Unhealthy; }
        Print($"[{sidecar.AppId}] app entered un-healthy status ({reason}): no deliveries, invocations refused until it is healthy again");
    }

    /// <summary>Whether <paramref name="process"/> is still the app's current one: a stop or restart takes it out of _processes first.</summary>
    private bool IsCurrent(SidecarRuntime sidecar, AppProcess process)
        => _processes.TryGetValue(sidecar.AppId, out var current) && ReferenceEquals(current, process);

    private async Task WatchExitAsync(SidecarRuntime sidecar, AppProcess process)
    {
        while (IsCurrent(sidecar, process) && !process.HasExited && !_stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _platform.Time).ConfigureAwait(false);
        }

        // An exit before the app was ready is reported by its start.
        if (!_stopping.IsCancellationRequested && IsCurrent(sidecar, process) && process.HasExited && sidecar.State is AppState.Running or AppState.Unhealthy)
        {
            sidecar.State = AppState.Exited;
            Print($"[{sidecar.AppId}] exited with code {process.ExitCode}");
        }
    }

    private void OpenAppChannel(SidecarRuntime sidecar)
    {
        sidecar.AppChannelReady = true;
        _deliveryLoops.GetOrAdd(sidecar.AppId, _ => Task.Run(() => _platform.Broker!.RunDeliveryLoopAsync(sidecar, _stopping.Token)));
    }

    private async Task LoadSubscriptionsAsync(SidecarRuntime sidecar, CancellationToken ct)
    {
        if (sidecar.App.AppPort is null) { return; }
        using var request = sidecar.AppRequest(HttpMethod.Get, "/dapr/subscribe");
        request.Headers.TryAddWithoutValidation("dapr-app-id", sidecar.AppId);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await _platform.AppClient.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // 404 means the app has no programmatic subscriptions.
                sidecar.ProgrammaticSubscriptions = [];
                return;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                _logger.LogWarning("[{AppId}] GET /dapr/subscribe answered {Status}; no programmatic subscriptions", sidecar.AppId, (int)response.StatusCode);
                return;
            }

            var subs = PubSubEndpoints.ParseProgrammatic(await response.Content.ReadAsByteArrayAsync(ct), sidecar.AppId);
            sidecar.ProgrammaticSubscriptions = subs;
            foreach (var s in subs) { Print($"[{sidecar.AppId}] subscribes to {s.PubsubName}/{s.Topic} (programmatic)"); }
        }
        catch (HttpRequestException)
        {
            _logger.LogInformation("[{AppId}] app not reachable for GET /dapr/subscribe; no programmatic subscriptions yet", sidecar.AppId);
        }
        catch (Exception ex) when (ex is JsonException or DevHostConfigurationException or InvalidOperationException)
        {
            _logger.LogWarning("[{AppId}] GET /dapr/subscribe returned an unusable reply: {Message}", sidecar.AppId, ex.Message);
        }
    }
}
