using System.Globalization;
using DaprPlatform.DevHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.TestSupport;

/// <summary>What <see cref="SidecarAppHost{TProgram}"/> hosts: the app under test, its stand-in callees, and their components.</summary>
public sealed record SidecarAppHostOptions
{
    /// <summary>The app id of the app under test (its <c>Program</c> is hosted in-process).</summary>
    public required string AppId { get; init; }

    /// <summary>Apps the one under test calls, as in-test <see cref="LoopbackApp"/>s behind their own sidecars: app id → endpoints.</summary>
    public IReadOnlyDictionary<string, Action<WebApplication>> StandIns { get; init; } = new Dictionary<string, Action<WebApplication>>();

    /// <summary>Component files (file name → YAML) in the run file's components folder, shared by every sidecar.</summary>
    public IReadOnlyDictionary<string, string> Components { get; init; } = new Dictionary<string, string>();

    /// <summary>Further settings for the app under test (e.g. <c>ConnectionStrings:x</c>), on top of the sidecar ones.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The sidecar API token (DAPR_API_TOKEN) of the app under test; null: none.</summary>
    public string? DaprApiToken { get; init; }

    /// <summary>The token the sidecar sends the app under test (APP_API_TOKEN); null: none.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>Anything else the test changes in the app's host (services, environment), applied last.</summary>
    public Action<IWebHostBuilder>? ConfigureWebHost { get; init; }

    /// <summary>Start of the temp folder's and the databases' names, so leftovers say which tests made them.</summary>
    public string Prefix { get; init; } = "sah";

    /// <summary>
    /// App ids of further replicas of the app under test: each is the same <c>Program</c> with the same settings behind a sidecar of
    /// its own (DevHost runs one sidecar per app id), so each gets its own copy of every event, as a per-replica consumer id does.
    /// </summary>
    public IReadOnlyList<string> Replicas { get; init; } = [];
}

/// <summary>
/// One app under test hosted in-process, the way <c>dapr run</c> would run it, against the real DevHost serving sidecars only:
/// writes a temporary run file with the app and its stand-in callees (<see cref="LoopbackApp"/>s), starts DevHost
/// (StartApps = false), hosts the app's <c>Program</c> with <see cref="WebApplicationFactory{TEntryPoint}"/> on a real Kestrel
/// port, and passes it what a sidecar-launched app gets — APP_ID, APP_PORT, DAPR_HTTP_PORT/ENDPOINT, DAPR_GRPC_PORT/ENDPOINT,
/// DAPR_API_TOKEN, APP_API_TOKEN — as settings, never as process-wide environment variables (tests run in parallel). The
/// official SDK's clients read them from configuration. Every database DevHost creates carries a unique prefix and is dropped
/// on dispose. Needs DAPRPLATFORM_TEST_POSTGRES (<see cref="PostgresDatabase"/>).
/// </summary>
public sealed class SidecarAppHost<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly StringWriter _output = new(CultureInfo.InvariantCulture);
    private readonly Dictionary<string, LoopbackApp> _standIns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sidecarHttpPorts = new(StringComparer.Ordinal);
    private readonly string _databasePrefix;
    private TemporaryRunFile? _runFile;
    private PlatformHost? _host;
    private AppFactory? _factory;
    private readonly Dictionary<string, AppFactory> _replicas = new(StringComparer.Ordinal);

    private SidecarAppHost(string prefix) => _databasePrefix = prefix + Guid.NewGuid().ToString("N")[..8] + "_";

    /// <summary>The hosted app (use <c>CreateClient()</c> for requests straight to it, as its sidecar would send them).</summary>
    public WebApplicationFactory<TProgram> App => _factory ?? throw new InvalidOperationException("Not started.");

    public PlatformHost Host => _host ?? throw new InvalidOperationException("Not started.");

    /// <summary>The app's own port (what its sidecar calls).</summary>
    public int AppPort { get; private set; }

    /// <summary>The sidecar HTTP endpoint of the app under test.</summary>
    public Uri SidecarHttpEndpoint { get; private set; } = null!;

    /// <summary>The sidecar gRPC endpoint of the app under test (runtime API and task hub).</summary>
    public Uri SidecarGrpcEndpoint { get; private set; } = null!;

    /// <summary>DevHost's component lines and status table, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A further replica of the app under test (<see cref="SidecarAppHostOptions.Replicas"/>) by its app id.</summary>
    public WebApplicationFactory<TProgram> Replica(string appId) => _replicas[appId];

    /// <summary>A stand-in callee by app id.</summary>
    public LoopbackApp StandIn(string appId) => _standIns[appId];

    /// <summary>The sidecar HTTP endpoint of any app in the run file (e.g. to invoke the app under test as a stand-in would).</summary>
    public Uri SidecarOf(string appId) => new($"http://127.0.0.1:{_sidecarHttpPorts[appId]}");

    public static async Task<SidecarAppHost<TProgram>> StartAsync(SidecarAppHostOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = new SidecarAppHost<TProgram>(options.Prefix);
        try
        {
            await host.StartCoreAsync(options, ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        foreach (var replica in _replicas.Values)
        {
            await replica.DisposeAsync();
        }

        foreach (var standIn in _standIns.Values)
        {
            await standIn.DisposeAsync();
        }

        await PostgresDatabase.DropAllWithPrefixAsync(_databasePrefix);
        _runFile?.Dispose();
        await _output.DisposeAsync();
    }

    private async Task StartCoreAsync(SidecarAppHostOptions options, CancellationToken ct)
    {
        var apps = new List<RunFileApp>();
        foreach (var (appId, map) in options.StandIns)
        {
            var standIn = await LoopbackApp.StartAsync(map, ct: ct);
            _standIns[appId] = standIn;
            apps.Add(new RunFileApp(appId, _sidecarHttpPorts[appId] = FreeTcpPort.Next(), standIn.Port) { AppDirPath = "./" + appId });
        }

        AppPort = FreeTcpPort.Next();
        var (httpPort, grpcPort) = (FreeTcpPort.Next(), FreeTcpPort.Next());
        _sidecarHttpPorts[options.AppId] = httpPort;
        SidecarHttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}");
        SidecarGrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        var tokens = new List<KeyValuePair<string, string>>();
        if (options.DaprApiToken is { } daprToken) { tokens.Add(KeyValuePair.Create("DAPR_API_TOKEN", daprToken)); }
        if (options.AppApiToken is { } appToken) { tokens.Add(KeyValuePair.Create("APP_API_TOKEN", appToken)); }
        apps.Add(new RunFileApp(options.AppId, httpPort, AppPort) { AppDirPath = "./" + options.AppId, DaprGrpcPort = grpcPort, Env = tokens });
        var replicaPorts = new Dictionary<string, (int App, int Http, int Grpc)>(StringComparer.Ordinal);
        foreach (var replica in options.Replicas)
        {
            var ports = (App: FreeTcpPort.Next(), Http: FreeTcpPort.Next(), Grpc: FreeTcpPort.Next());
            replicaPorts[replica] = ports;
            _sidecarHttpPorts[replica] = ports.Http;
            apps.Add(new RunFileApp(replica, ports.Http, ports.App) { AppDirPath = "./" + replica, DaprGrpcPort = ports.Grpc, Env = tokens });
        }

        _runFile = TemporaryRunFile.Create(options.Prefix + "-", apps);
        foreach (var app in apps) { _runFile.WithFile(Path.Combine(app.AppId, ".keep"), ""); }
        foreach (var (name, yaml) in options.Components) { _runFile.WithComponent(name, yaml); }

        _host = await PlatformHost.StartAsync(
            new DevHostOptions
            {
                RunFilePath = _runFile.RunFilePath,
                PostgresConnectionString = PostgresDatabase.AdminConnectionString,
                StartApps = false,
                DatabasePrefix = _databasePrefix,
                Output = TextWriter.Synchronized(_output),
            },
            ct: ct);

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = options.AppId,
            ["APP_PORT"] = AppPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_ENDPOINT"] = SidecarHttpEndpoint.ToString().TrimEnd('/'),
            ["DAPR_GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_ENDPOINT"] = SidecarGrpcEndpoint.ToString().TrimEnd('/'),
            // ServiceDefaults loads a secret store into configuration when a sidecar is set; a test that adds one names it in Settings.
            ["Sidecar:SecretStore"] = "none",
        };
        foreach (var (name, value) in tokens) { settings[name] = value; }
        foreach (var (name, value) in options.Settings) { settings[name] = value; }

        _factory = new AppFactory(settings, options.ConfigureWebHost);
        _factory.UseKestrel(AppPort);
        _factory.StartServer();

        // The app came up after its sidecar: have DevHost read its GET /dapr/subscribe (and actor config) now.
        await _host.RefreshSubscriptionsAsync(options.AppId, ct);

        foreach (var (replica, ports) in replicaPorts)
        {
            var replicaSettings = new Dictionary<string, string>(settings, StringComparer.Ordinal)
            {
                ["APP_ID"] = replica,
                ["APP_PORT"] = ports.App.ToString(CultureInfo.InvariantCulture),
                ["DAPR_HTTP_PORT"] = ports.Http.ToString(CultureInfo.InvariantCulture),
                ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{ports.Http}",
                ["DAPR_GRPC_PORT"] = ports.Grpc.ToString(CultureInfo.InvariantCulture),
                ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{ports.Grpc}",
            };
            var factory = new AppFactory(replicaSettings, options.ConfigureWebHost);
            _replicas[replica] = factory;
            factory.UseKestrel(ports.App);
            factory.StartServer();
            await _host.RefreshSubscriptionsAsync(replica, ct);
        }
    }

    private sealed class AppFactory(IReadOnlyDictionary<string, string> settings, Action<IWebHostBuilder>? configure) : WebApplicationFactory<TProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (name, value) in settings)
            {
                builder.UseSetting(name, value);
            }

            configure?.Invoke(builder);
        }
    }
}
