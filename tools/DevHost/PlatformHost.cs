using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Postgres;
using DaprPlatform.DevHost.Processes;
using DaprPlatform.DevHost.PubSub;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.Stripe;
using DaprPlatform.DevHost.Telegram;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DaprPlatform.DevHost;

/// <summary>
/// The stand-in for daprd: one sidecar HTTP listener per app of the run file, the app processes, Postgres,
/// and the durable broker. Start with <see cref="StartAsync"/>, stop with <see cref="StopAsync"/>.
/// </summary>
public sealed partial class PlatformHost : IAsyncDisposable
{
    private readonly DevHostOptions _options;
    private readonly Platform _platform;
    private readonly ILogger _logger;
    private readonly TextWriter _console;
    private readonly ConcurrentDictionary<string, WebApplication> _listeners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WebApplication> _grpcListeners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AppProcess> _processes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _environmentOverrides = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _dataSources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _deliveryLoops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private PrivatePostgresCluster? _cluster;
    private TelegramStandIn? _telegram;
    private StripeStandIn? _stripe;
    private Workflows.WorkflowHost? _workflows;
    private string _adminConnectionString = "";
    private bool _stopped;

    private PlatformHost(DevHostOptions options, RunFile runFile, ILoggerFactory loggerFactory, TextWriter console)
    {
        _options = options;
        _platform = new Platform(runFile, TimeProvider.System, loggerFactory);
        _logger = loggerFactory.CreateLogger("DevHost");
        _console = console;
    }

    public IReadOnlyList<AppStatus> Apps => _platform.RunFile.Apps
        .Where(a => _platform.Sidecars.ContainsKey(a.AppId))
        .Select(a => _platform.Sidecars[a.AppId])
        .Select(s => new AppStatus(s.AppId, s.Pid, s.App.AppPort, s.App.DaprHttpPort, s.App.DaprGrpcPort, s.State))
        .ToList();

    /// <summary>Returns when every sidecar listens and, if <see cref="DevHostOptions.StartApps"/>, every app is healthy and its subscriptions are loaded.</summary>
    public static async Task<PlatformHost> StartAsync(DevHostOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runFile = RunFileLoader.Load(options.RunFilePath, PrivatePostgresCluster.FreePort);
        var host = new PlatformHost(options, runFile, loggerFactory ?? NullLoggerFactory.Instance, options.Output ?? Console.Out);
        try
        {
            await host.StartCoreAsync(ct);
            return host;
        }
        catch
        {
            await host.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>The Telegram stand-in, when <see cref="DevHostOptions.TelegramStandIn"/> turned it on.</summary>
    public TelegramStandIn? TelegramStandIn => _telegram;

    /// <summary>The Stripe stand-in, when <see cref="DevHostOptions.StripeStandIn"/> turned it on.</summary>
    public StripeStandIn? StripeStandIn => _stripe;

    public string GetAppConnectionString(string appId)
    {
        if (!_platform.RunFile.Apps.Any(a => a.AppId == appId))
        {
            throw new ArgumentException($"App '{appId}' is not in the run file.", nameof(appId));
        }

        return Databases.ConnectionStringFor(_adminConnectionString, _options.DatabasePrefix + appId);
    }

    /// <summary>Re-reads the app's GET /dapr/subscribe and GET /dapr/config (actor types) — for tests that start their app after the host.</summary>
    public async Task RefreshSubscriptionsAsync(string appId, CancellationToken ct = default)
    {
        if (!_platform.Sidecars.TryGetValue(appId, out var sidecar))
        {
            throw new ArgumentException($"App '{appId}' is not served by this host.", nameof(appId));
        }

        await LoadSubscriptionsAsync(sidecar, ct);
        await _platform.Actors!.LoadAppConfigAsync(sidecar, ct);
    }

    /// <summary>
    /// Stops the app's process and starts its command again (see <see cref="StopAppAsync"/> and
    /// <see cref="StartAppAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/>); the app keeps the
    /// environment overrides it was last started with unless <paramref name="environment"/> replaces them.
    /// </summary>
    public async Task RestartAppAsync(string appId, IReadOnlyDictionary<string, string>? environment = null, AppStopMode mode = AppStopMode.Graceful, CancellationToken ct = default)
    {
        await StopAppAsync(appId, mode, ct);
        await StartAppAsync(appId, environment, ct);
    }

    /// <summary>
    /// Stops the app's process. <see cref="AppStopMode.Graceful"/> is what shutdown does (SIGTERM to its process tree,
    /// kill after 10 s); <see cref="AppStopMode.Kill"/> is a crash (SIGKILL at once). The sidecar keeps listening:
    /// deliveries and invocations that arrive meanwhile fail like calls to a stopped app, and its workflow and actor
    /// work waits for the app to come back.
    /// </summary>
    public async Task StopAppAsync(string appId, AppStopMode mode = AppStopMode.Graceful, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        var sidecar = ServedSidecar(appId);
        if (!_processes.TryRemove(appId, out var process))
        {
            throw new InvalidOperationException($"App '{appId}' is not run by this host (StartApps = false, or it was stopped).");
        }

        sidecar.AppChannelReady = false;
        sidecar.State = AppState.Stopped;
        if (mode == AppStopMode.Kill) { await process.KillAsync(); }
        await process.DisposeAsync();
        Print(mode == AppStopMode.Kill ? $"[{appId}] killed (SIGKILL)" : $"[{appId}] stopped");
    }

    /// <summary>
    /// Starts a stopped app's command and waits until it is ready as start-up does (its app port open; with health checks
    /// a passing probe; then GET /dapr/config and GET /dapr/subscribe re-read). <paramref name="environment"/> (null = keep
    /// the last ones, empty = none) adds variables on top of what the run file and <see cref="DevHostOptions.AppEnvironment"/>
    /// give the app, so a test can switch a service's configuration without touching this process's environment, and
    /// without losing the host's own settings when it switches back. Throws <see cref="InvalidOperationException"/> when the
    /// app exits before it is ready and <see cref="TimeoutException"/> when it is not ready within
    /// <see cref="DevHostOptions.AppStartTimeout"/> (DevHost keeps waiting for it, as daprd does).
    /// </summary>
    public async Task StartAppAsync(string appId, IReadOnlyDictionary<string, string>? environment = null, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        var sidecar = ServedSidecar(appId);
        if (_processes.ContainsKey(appId))
        {
            throw new InvalidOperationException($"App '{appId}' is already running.");
        }

        if (environment is not null) { _environmentOverrides[appId] = new Dictionary<string, string>(environment, StringComparer.Ordinal); }
        var (outcome, report) = await StartAppAsync(sidecar, ct);
        switch (outcome)
        {
            case AppReadiness.Ready:
                Print($"[{appId}] started (pid {sidecar.Pid})");
                return;
            case AppReadiness.NotYet:
                throw new TimeoutException(report);
            default:
                throw new InvalidOperationException(report ?? $"App '{appId}' was stopped before it was ready.");
        }
    }

    private SidecarRuntime ServedSidecar(string appId) =>
        _platform.Sidecars.TryGetValue(appId, out var sidecar)
            ? sidecar
            : throw new ArgumentException($"App '{appId}' is not served by this host.", nameof(appId));

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var runFile = _platform.RunFile;
        var selected = runFile.Apps.Where(a => _options.Apps is null || _options.Apps.Contains(a.AppId)).ToList();
        var unknown = (_options.Apps ?? []).Where(id => runFile.Apps.All(a => a.AppId != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new DevHostConfigurationException($"Run file '{runFile.FilePath}' has no app(s) {string.Join(", ", unknown)}.");
        }

        var resources = selected.ToDictionary(a => a.AppId, a => ResourceLoader.Load(a.AppId, a.ResourcesPaths, a.ConfigFilePath));
        var report = new StartupReport();
        var served = RefuseUnservedComponents(resources, report);

        // Postgres: an explicit server, or a private cluster under <repo>/.devhost/pg.
        var configured = _options.PostgresConnectionString ?? Environment.GetEnvironmentVariable("DEVHOST_POSTGRES");
        if (string.IsNullOrWhiteSpace(configured))
        {
            _cluster = await PrivatePostgresCluster.StartAsync(runFile.Directory, _logger, ct);
            _adminConnectionString = _cluster.AdminConnectionString;
            Print($"postgres → private cluster {Path.Combine(runFile.Directory, ".devhost", "pg")} on 127.0.0.1:{_cluster.Port}");
        }
        else
        {
            _adminConnectionString = configured;
            var b = new NpgsqlConnectionStringBuilder(configured);
            Print($"postgres → {b.Host}:{b.Port} (given connection string)");
        }

        if (_options.TelegramStandIn is { } telegram)
        {
            _telegram = await TelegramStandIn.StartAsync(telegram, _platform.Time, ct);
            Print($"telegram → DevHost's Bot API stand-in on {_telegram.BaseUrl} (in memory; apps get Telegram__BaseUrl and Telegram__BotToken)");
        }

        if (_options.StripeStandIn is { } stripe)
        {
            _stripe = await StripeStandIn.StartAsync(stripe with { WebhookUrl = stripe.WebhookUrl ?? StripeWebhookUrl(runFile) }, _platform.Time, ct);
            var webhooks = _stripe.Options.WebhookUrl is { } url ? $"signed webhooks → {url}" : "no webhooks (the run file has no gateway or payments app with an appPort)";
            Print($"stripe → DevHost's Stripe API stand-in on {_stripe.BaseUrl} (test mode, in memory; apps get Stripe__BaseUrl, Stripe__SecretKey and Stripe__WebhookSecret); {webhooks}");
        }

        var devhostDb = _options.DatabasePrefix + "devhost";
        await Databases.EnsureExistsAsync(_adminConnectionString, devhostDb, ct);
        foreach (var app in selected) { await Databases.EnsureExistsAsync(_adminConnectionString, _options.DatabasePrefix + app.AppId, ct); }
        var devhostSource = DataSource(Databases.ConnectionStringFor(_adminConnectionString, devhostDb));
        _platform.Broker = new Broker(devhostSource, _platform, _platform.LoggerFactory.CreateLogger("DevHost.Broker"));
        await _platform.Broker.InitializeAsync(ct);
        var reminders = new Actors.ReminderStore(devhostSource);
        await reminders.InitializeAsync(ct);
        _platform.Actors = new Actors.ActorRuntime(_platform, reminders, _platform.LoggerFactory.CreateLogger("DevHost.Actors"), Print);
        _workflows = await Workflows.WorkflowHost.CreateAsync(devhostSource, _platform.Time, _platform.LoggerFactory, _stopping.Token, ct);

        foreach (var app in selected)
        {
            var env = AppEnvironment(app);
            var processEnv = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => e.Value?.ToString() ?? "", StringComparer.Ordinal);
            foreach (var (k, v) in env) { processEnv[k] = v; }
            var sidecar = new SidecarRuntime(app, resources[app.AppId], processEnv) { Command = app.Command };
            await ConfigureComponentsAsync(sidecar, served[app.AppId], devhostDb, devhostSource, report, ct);
            foreach (var entry in ResourceReport.Describe(sidecar.Resources, runFile.Directory)) { report.Add(app.AppId, entry.IsWarning, entry.Text); }
            _platform.Sidecars[app.AppId] = sidecar;
        }

        foreach (var entry in report.Lines(selected.Select(a => a.AppId).ToList()))
        {
            if (entry.IsWarning) { _logger.LogWarning("{Resource}", entry.Text); }
            else { _logger.LogInformation("{Resource}", entry.Text); }
        }

        foreach (var sidecar in _platform.Sidecars.Values)
        {
            var listener = BuildListener(sidecar);
            await listener.StartAsync(ct);
            _listeners[sidecar.AppId] = listener;
            var grpc = BuildGrpcListener(sidecar);
            await grpc.StartAsync(ct);
            _grpcListeners[sidecar.AppId] = grpc;
            _workflows.Start(sidecar);
            Print($"[{sidecar.AppId}] gRPC API → dapr.proto.runtime.v1.Dapr and TaskHubSidecarService on 127.0.0.1:{sidecar.App.DaprGrpcPort} (workflow state in Postgres database {devhostDb})");
            sidecar.OutboundReady = true;
        }

        if (_options.StartApps)
        {
            await Task.WhenAll(_platform.Sidecars.Values.Select(s => StartAppAsync(s, ct)));
        }
        else
        {
            foreach (var sidecar in _platform.Sidecars.Values)
            {
                sidecar.State = AppState.External;
                await LoadSubscriptionsAsync(sidecar, ct);
                await _platform.Actors!.LoadAppConfigAsync(sidecar, ct);
                if (sidecar.App is { HealthCheck: { } check, AppPort: { } port }) { HealthChecks(sidecar, check, port); }
                OpenAppChannel(sidecar);
            }
        }

        // Reminders of placed types fire from here on (missed due times at once); idle actors are deactivated.
        _ = _deliveryLoops.GetOrAdd("actors:reminders", _ => Task.Run(() => _platform.Actors!.RunReminderLoopAsync(_stopping.Token)));
        _ = _deliveryLoops.GetOrAdd("actors:idle", _ => Task.Run(() => _platform.Actors!.RunIdleScanLoopAsync(_stopping.Token)));
        PrintStatusTable();
    }

    private Dictionary<string, string> AppEnvironment(AppDefinition app)
    {
        // The variables `dapr run` gives an app, then the run file's env, then the app's own database.
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = app.AppId,
            ["APP_PROTOCOL"] = app.AppProtocol,
            ["DAPR_HTTP_PORT"] = app.DaprHttpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = app.DaprGrpcPort.ToString(CultureInfo.InvariantCulture),
        };
        if (app.AppPort is { } port) { env["APP_PORT"] = port.ToString(CultureInfo.InvariantCulture); }
        foreach (var (k, v) in app.Env) { env[k] = v; }

        // The stand-in is chosen by configuration alone: these two settings override the secret store's telegram:botToken.
        foreach (var (k, v) in _telegram?.AppEnvironment ?? new Dictionary<string, string>()) { env[k] = v; }
        foreach (var (k, v) in _stripe?.AppEnvironment ?? new Dictionary<string, string>()) { env[k] = v; }
        env[$"ConnectionStrings__{app.AppId}"] = Databases.ConnectionStringFor(_adminConnectionString, _options.DatabasePrefix + app.AppId);
        foreach (var (k, v) in _options.AppEnvironment.GetValueOrDefault(app.AppId) ?? new Dictionary<string, string>()) { env[k] = v; }
        foreach (var (k, v) in _environmentOverrides.GetValueOrDefault(app.AppId) ?? new Dictionary<string, string>()) { env[k] = v; }
        return env;
    }

    private void PrintStatusTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"APP",-16} {"PID",-8} {"APP PORT",-9} {"HTTP",-6} {"GRPC",-6} STATE");
        foreach (var a in Apps)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{a.AppId,-16} {a.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",-8} {a.AppPort?.ToString(CultureInfo.InvariantCulture) ?? "-",-9} {a.HttpPort,-6} {a.GrpcPort,-6} {a.State}");
        }

        Print(sb.ToString().TrimEnd());
    }

    private void Print(string line)
    {
        lock (_console)
        {
            _console.WriteLine(line);
            _console.Flush();
        }
    }

    /// <summary>
    /// POST /v1.0/shutdown: this sidecar shuts down in daprd's order — the actors its app hosts are deactivated while the
    /// app still runs and leave placement, then its app channel and its API servers close — and then, as the dapr CLI
    /// does once daprd has exited, the app is stopped.
    /// </summary>
    private async Task StopAppAsync(string appId)
    {
        if (_platform.Actors is { } actors)
        {
            await actors.DeactivateAllAsync(appId);
            actors.Register(appId, []);
        }

        var sidecar = _platform.Sidecars.GetValueOrDefault(appId);
        if (sidecar is not null) { CloseAppChannel(sidecar); }
        await StopApiServersAsync(appId);
        if (_processes.TryRemove(appId, out var process)) { await process.DisposeAsync(); }
        if (sidecar is not null) { sidecar.State = AppState.Stopped; }
    }

    private static void CloseAppChannel(SidecarRuntime sidecar)
    {
        sidecar.ShutDown = true;
        sidecar.AppChannelReady = false;
        sidecar.OutboundReady = false;
    }

    /// <summary>The sidecar's API servers: its HTTP listener and its gRPC listener (runtime API and TaskHubSidecarService).</summary>
    private async Task StopApiServersAsync(string appId)
    {
        if (_listeners.TryRemove(appId, out var listener))
        {
            await listener.StopAsync(CancellationToken.None);
            await listener.DisposeAsync();
        }

        if (_grpcListeners.TryRemove(appId, out var grpc)) { await StopGrpcListenerAsync(grpc); }
    }

    /// <summary>
    /// Stops everything in daprd's order (pkg/runtime/runtime.go: the runners' context ends — subscriptions, reminders,
    /// probes — and the actor table is halted, deactivating every actor while the apps still run; then the app channel
    /// and the API servers close), then the apps, as the dapr CLI stops each app after its daprd. Apps run in sessions of
    /// their own, so a Ctrl-C in DevHost's terminal reaches DevHost only and this order holds.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _stopGate.WaitAsync(ct);
        try
        {
            if (_stopped) { return; }
            _stopped = true;
            await _stopping.CancelAsync();
            if (_platform.Actors is { } actors) { await actors.DeactivateAllAsync(); }
            foreach (var sidecar in _platform.Sidecars.Values) { CloseAppChannel(sidecar); }
            await Task.WhenAll(_listeners.Keys.Union(_grpcListeners.Keys).ToList().Select(StopApiServersAsync));
            if (_workflows is not null) { await _workflows.DisposeAsync(); }
            await Task.WhenAll(_processes.Keys.ToList().Select(id => _processes.TryRemove(id, out var p) ? p.DisposeAsync().AsTask() : Task.CompletedTask));
            foreach (var s in _platform.Sidecars.Values) { s.State = AppState.Stopped; }

            // The stand-ins outlive the apps, which may still call them while they stop.
            if (_telegram is not null) { await _telegram.DisposeAsync(); }
            if (_stripe is not null) { await _stripe.DisposeAsync(); }
            try
            {
                await Task.WhenAll(_deliveryLoops.Values);
            }
            catch (OperationCanceledException)
            {
                // Loops end by cancellation.
            }

            foreach (var ds in _dataSources.Values) { await ds.DisposeAsync(); }
            _dataSources.Clear();
            if (_cluster is not null) { await _cluster.StopAsync(); }
            _platform.Dispose();
        }
        finally
        {
            _stopGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        _stopGate.Dispose();
    }
}

/// <summary>A lifetime that leaves start and stop to <see cref="PlatformHost"/>.</summary>
internal sealed class HostOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
