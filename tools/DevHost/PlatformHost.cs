using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Postgres;
using DaprPlatform.DevHost.Processes;
using DaprPlatform.DevHost.PubSub;
using DaprPlatform.DevHost.Secrets;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.State;
using DaprPlatform.DevHost.Stripe;
using DaprPlatform.DevHost.Telegram;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DaprPlatform.DevHost;

/// <summary>
/// The stand-in for daprd: one sidecar HTTP listener per app of the run file, the app processes, Postgres,
/// and the durable broker. Start with <see cref="StartAsync"/>, stop with <see cref="StopAsync"/>.
/// </summary>
public sealed class PlatformHost : IAsyncDisposable
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
        foreach (var (appId, environment) in options.AppEnvironment) { _environmentOverrides[appId] = environment; }
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
    /// the last ones) adds variables on top of what the run file gives the app, so a test can switch a service's
    /// configuration without touching this process's environment. Throws <see cref="InvalidOperationException"/> when the
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
        var served = RefuseUnservedComponents(resources);

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
            await ConfigureComponentsAsync(sidecar, served[app.AppId], devhostDb, devhostSource, ct);
            foreach (var entry in ResourceReport.Describe(sidecar.Resources, runFile.Directory))
            {
                if (entry.IsWarning) { _logger.LogWarning("[{AppId}] {Resource}", app.AppId, entry.Text); }
                else { _logger.LogInformation("[{AppId}] {Resource}", app.AppId, entry.Text); }
            }

            _platform.Sidecars[app.AppId] = sidecar;
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
        foreach (var (k, v) in _environmentOverrides.GetValueOrDefault(app.AppId) ?? new Dictionary<string, string>()) { env[k] = v; }
        return env;
    }

    /// <summary>Stripe calls the public edge: the gateway's webhook route, else the payments app directly; null when neither has a port.</summary>
    private static Uri? StripeWebhookUrl(RunFile runFile) =>
        (runFile.Apps.FirstOrDefault(a => a.AppId == "gateway" && a.AppPort is not null) ?? runFile.Apps.FirstOrDefault(a => a.AppId == "payments" && a.AppPort is not null)) is { AppPort: { } port }
            ? new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/api/payments/webhooks/stripe")
            : null;

    private NpgsqlDataSource DataSource(string connectionString) => _dataSources.GetOrAdd(connectionString, cs => NpgsqlDataSource.Create(cs));

    /// <summary>
    /// Decides for every app's components how they are served (<see cref="ComponentSupport"/>). As daprd does not start when
    /// a component fails to initialise, a component DevHost cannot serve stops start-up, naming its file and the reason,
    /// unless it sets <c>spec.ignoreErrors: true</c> (docs: component-schema): then it is left out with a warning, so calls
    /// to it get Dapr's not-found error and GET /v1.0/metadata does not list it.
    /// </summary>
    private Dictionary<string, IReadOnlyList<ServedComponent>> RefuseUnservedComponents(Dictionary<string, ResourceSet> resources)
    {
        var decisions = resources.ToDictionary(kv => kv.Key, kv => ComponentSupport.DecideAll(kv.Value.Components, out _), StringComparer.Ordinal);
        var fatal = decisions
            .SelectMany(kv => kv.Value.OfType<RefusedComponent>().Where(r => !r.Component.IgnoreErrors).Select(r => (kv.Key, r)))
            .ToList();
        if (fatal.Count > 0) { throw new DevHostConfigurationException(ComponentSupport.FatalMessage(fatal)); }

        var served = new Dictionary<string, IReadOnlyList<ServedComponent>>(StringComparer.Ordinal);
        foreach (var (appId, appDecisions) in decisions)
        {
            foreach (var ignored in appDecisions.OfType<RefusedComponent>())
            {
                _logger.LogWarning("[{AppId}] {Component}", appId, ComponentSupport.IgnoredLine(ignored, _platform.RunFile.Directory));
            }

            served[appId] = appDecisions.OfType<ServedComponent>().ToList();
            resources[appId] = resources[appId] with { Components = served[appId].Select(c => c.Component).ToList() };
        }

        return served;
    }

    private void ReportServed(SidecarRuntime sidecar, ServedComponent served, string detail)
        => _logger.LogInformation("[{AppId}] {Component}", sidecar.AppId, ComponentSupport.ServedLine(served, _platform.RunFile.Directory, detail));

    private async Task ConfigureComponentsAsync(SidecarRuntime sidecar, IReadOnlyList<ServedComponent> served, string devhostDb, NpgsqlDataSource devhostSource, CancellationToken ct)
    {
        // Secret stores first: a state store may resolve its connectionString through one.
        foreach (var s in served.Where(s => s.Server is ComponentServer.LocalFileSecretStore or ComponentServer.LocalEnvSecretStore))
        {
            var c = s.Component;
            ISecretStore store = s.Server == ComponentServer.LocalFileSecretStore
                ? new LocalFileSecretStore(c, _platform.RunFile.Directory, sidecar.App.AppDirectory)
                : new LocalEnvSecretStore(c, sidecar.Environment);
            sidecar.SecretStores[c.Name] = store;
            ReportServed(sidecar, s, (s.Server == ComponentServer.LocalFileSecretStore ? "file " : "") + store.Description);
        }

        foreach (var s in served.Where(s => s.Server == ComponentServer.PostgresStateStore))
        {
            var c = s.Component;
            var table = c.PlainValue("tableName") ?? "state";
            var (source, where) = await StateDatabaseAsync(sidecar, s, table, devhostDb, devhostSource, ct);
            var store = new PostgresStateStore(source, table);
            await store.InitializeAsync(ct);
            sidecar.StateStores[c.Name] = store;
            ReportServed(sidecar, s, where);
        }

        // The broker was created before the sidecars; a pubsub component only needs its name to be known (SidecarRuntime.PubSubs).
        foreach (var s in served.Where(s => s.Server == ComponentServer.DurableBroker))
        {
            ReportServed(sidecar, s, $"Postgres database {devhostDb}");
        }
    }

    /// <summary>
    /// Where a state store's table lives: the component's own database for state.postgresql v1 when its connectionString
    /// resolves and is reachable (DevHost writes that layout), else DevHost's database; the text says which and why.
    /// </summary>
    private async Task<(NpgsqlDataSource Source, string Where)> StateDatabaseAsync(
        SidecarRuntime sidecar, ServedComponent served, string table, string devhostDb, NpgsqlDataSource devhostSource, CancellationToken ct)
    {
        var where = $"Postgres database {devhostDb}, table {table}";
        if (!served.UsesComponentConnectionString) { return (devhostSource, where); }
        if (_cluster is not null) { return (devhostSource, where + " (private-cluster mode: the component's connectionString is not used)"); }
        if (ResolveMetadata(sidecar, served.Component, "connectionString") is not { Length: > 0 } raw || ConnectionStrings.ToNpgsql(raw) is not { } cs)
        {
            return (devhostSource, where + " (the component's connectionString could not be resolved)");
        }

        var b = new NpgsqlConnectionStringBuilder(cs);
        return await ReachableAsync(cs, ct)
            ? (DataSource(cs), $"Postgres {b.Host}:{b.Port} database {b.Database}, table {table} (the component's connectionString)")
            : (devhostSource, where + $" (the component's connectionString, {b.Host}:{b.Port}/{b.Database}, is not reachable)");
    }

    /// <summary>A metadata value, resolving secretKeyRef through the component's auth.secretStore; null when it cannot be resolved.</summary>
    private string? ResolveMetadata(SidecarRuntime sidecar, ComponentDefinition c, string name)
    {
        var item = c.Metadata.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        if (item is null) { return null; }
        if (item.SecretKeyRef is null) { return item.Value; }
        if (c.SecretStore is null || !sidecar.SecretStores.TryGetValue(c.SecretStore, out var store))
        {
            _logger.LogWarning("[{AppId}] {Component}: secretKeyRef for '{Name}' needs auth.secretStore naming a served secret store", sidecar.AppId, c.Name, name);
            return null;
        }

        var secret = store.Get(item.SecretKeyRef.Name);
        return secret?.GetValueOrDefault(item.SecretKeyRef.Key);
    }

    private static async Task<bool> ReachableAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false };
            await using var conn = new NpgsqlConnection(b.ConnectionString);
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private WebApplication BuildListener(SidecarRuntime sidecar)
    {
        var app = LoopbackListener.Build(sidecar.App.DaprHttpPort, _platform.LoggerFactory);

        // Before anything looks at the path (the token check's health exemption, every route, the invocation fallback),
        // daprd cleans it: "//v1.0/actors/..." is the actors API and "//v1.0/healthz" a health check.
        SidecarPaths.UseCleanPaths(app);

        // DAPR_API_TOKEN: every call except the health endpoints needs the dapr-api-token header (401 otherwise).
        app.Use(async (ctx, next) =>
        {
            if (sidecar.ApiToken is { } token && !ctx.Request.Path.StartsWithSegments("/v1.0/healthz", StringComparison.Ordinal)
                && ctx.Request.Headers["dapr-api-token"].ToString() != token)
            {
                ctx.Response.StatusCode = 401;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("invalid api token", ctx.RequestAborted);
                return;
            }

            await next(ctx);
        });

        HealthAndMetadataEndpoints.Map(app, sidecar, StopAppAsync, _platform.Actors);
        StateEndpoints.Map(app, sidecar);
        SecretEndpoints.Map(app, sidecar);
        PubSubEndpoints.Map(app, sidecar, _platform);
        Actors.ActorEndpoints.Map(app, sidecar, _platform.Actors!);
        _workflows!.MapHttpApi(app, sidecar);
        UnsupportedEndpoints.Map(app);
        InvocationEndpoints.Map(app, sidecar, _platform);
        return app;
    }

    private WebApplication BuildGrpcListener(SidecarRuntime sidecar)
        => Grpc.SidecarGrpcListener.Build(
            sidecar, new Grpc.RuntimeGrpcService(sidecar, _platform, _platform.Actors, StopAppAsync), _workflows!.Engine, _platform.LoggerFactory);

    /// <summary>Stops a gRPC listener: GetWorkItems streams never end by themselves, so after a short grace Kestrel aborts them (the work is in Postgres).</summary>
    private static async Task StopGrpcListenerAsync(WebApplication listener)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await listener.StopAsync(grace.Token);
        await listener.DisposeAsync();
    }

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
                    health.Enqueue();
                    await health.WaitHealthyAsync(run.Token);
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
