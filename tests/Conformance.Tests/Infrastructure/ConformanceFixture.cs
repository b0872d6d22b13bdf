using System.Net.Http.Json;
using Dapr.Actors.Client;
using Dapr.Client;
using Dapr.Workflow;
using Dapr.Workflow.Registration;
using DaprPlatform.DevHost;

// One DevHost at a time (the shutdown test starts its own): the machine has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// One DevHost for the whole suite: a run file of its own on free ports with two apps built from tests/Conformance.Apps —
/// "sdk-app" (Dapr.AspNetCore subscriber, Dapr.Actors.AspNetCore host, Dapr.Workflow worker) and "target" (plain invocation
/// target with APP_API_TOKEN) — a Postgres state store, a pubsub, a local-file secret store, a resiliency policy for
/// inbound delivery and a Configuration turning on ActorStateTTL. DevHost starts the apps with <c>dotnet &lt;dll&gt;</c>; the
/// SDK inside them finds its sidecar through DAPR_HTTP_PORT / DAPR_GRPC_PORT, as under <c>dapr run -f</c>.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    public const string SdkAppId = "sdk-app";
    public const string TargetAppId = "target";
    public const string StateStore = "statestore";
    public const string PubSub = "pubsub";
    public const string SecretStore = "secretstore";
    public const string AppApiToken = "conformance-app-api-token";

    /// <summary>target's sidecar requires this dapr-api-token from its callers (DAPR_API_TOKEN in target's env).</summary>
    public const string TargetSidecarToken = "conformance-sidecar-token";

    // The suite polls the apps' test endpoints; their per-request logs would drown what matters in the log.
    private static readonly KeyValuePair<string, string> QuietRequestLogs = KeyValuePair.Create("Logging__LogLevel__Microsoft.AspNetCore", "Warning");

    private readonly string _prefix = "cf" + Guid.NewGuid().ToString("N")[..10] + "_";
    private readonly PostgresDatabase _stateDatabase = new("cf_state");
    private TemporaryRunFile? _files;
    private PlatformHost? _host;
    private StreamWriter? _log;

    public PlatformHost Host => _host ?? throw new InvalidOperationException("DevHost has not started.");

    public AppStatus SdkApp => Host.Apps.Single(a => a.AppId == SdkAppId);

    public AppStatus Target => Host.Apps.Single(a => a.AppId == TargetAppId);

    /// <summary>The official DaprClient pointed at sdk-app's sidecar (gRPC and HTTP ports).</summary>
    public DaprClient Client { get; private set; } = null!;

    /// <summary>The official workflow client pointed at sdk-app's sidecar, where the workflow worker runs.</summary>
    public DaprWorkflowClient Workflows { get; private set; } = null!;

    /// <summary>Actor proxies through sdk-app's sidecar, which hosts the actor types.</summary>
    public ActorProxyOptions ActorOptions { get; private set; } = null!;

    /// <summary>sdk-app itself (its /test endpoints: what it observed).</summary>
    public HttpClient SdkAppHttp { get; private set; } = null!;

    /// <summary>target itself, bypassing the sidecar.</summary>
    public HttpClient TargetHttp { get; private set; } = null!;

    /// <summary>sdk-app's sidecar HTTP API, for reads the SDK offers no call for (actor state).</summary>
    public HttpClient SdkSidecarHttp { get; private set; } = null!;

    /// <summary>The state store component's own database (state.postgresql v1 keeps its rows in table "state").</summary>
    public string StateDatabaseConnectionString => _stateDatabase.ConnectionString;

    /// <summary>The official DaprClient on <paramref name="app"/>'s sidecar (gRPC and HTTP ports).</summary>
    public static DaprClient ClientForApp(AppStatus app, string? apiToken = null) => new DaprClientBuilder()
        .UseGrpcEndpoint($"http://127.0.0.1:{app.GrpcPort}")
        .UseHttpEndpoint($"http://127.0.0.1:{app.HttpPort}")
        .UseDaprApiToken(apiToken)
        .Build();

    public string SdkSidecarHttpEndpoint => $"http://127.0.0.1:{SdkApp.HttpPort}";

    /// <summary>Where DevHost's status lines and the apps' output go (under .devhost/, git-ignored).</summary>
    public string LogPath { get; } = Path.Combine(RepositoryRoot.Path, ".devhost", "conformance-devhost.log");

    public async Task InitializeAsync()
    {
        await _stateDatabase.InitializeAsync();
        var sdkApp = ConformanceApps.Locate("SdkApp", "DaprPlatform.Conformance.SdkApp.dll");
        var target = ConformanceApps.Locate("TargetApp", "DaprPlatform.Conformance.TargetApp.dll");
        _files = TemporaryRunFile.Create("conformance-", [
                new RunFileApp(SdkAppId, FreeTcpPort.Next(), FreeTcpPort.Next())
                {
                    AppDirPath = Path.GetDirectoryName(sdkApp)!,
                    DaprGrpcPort = FreeTcpPort.Next(),
                    Command = ["dotnet", sdkApp],
                    Env = [QuietRequestLogs],
                },
                new RunFileApp(TargetAppId, FreeTcpPort.Next(), FreeTcpPort.Next())
                {
                    AppDirPath = Path.GetDirectoryName(target)!,
                    DaprGrpcPort = FreeTcpPort.Next(),
                    Command = ["dotnet", target],
                    Env = [QuietRequestLogs, KeyValuePair.Create("APP_API_TOKEN", AppApiToken), KeyValuePair.Create("DAPR_API_TOKEN", TargetSidecarToken)],
                },
            ],
            "./config.yaml");
        _files
            .WithComponent("statestore.yaml", ComponentYaml.PostgresStateStore(_stateDatabase.ConnectionString, StateStore, actorStateStore: true))
            .WithComponent("pubsub.yaml", ComponentYaml.RedisPubSub(PubSub))
            .WithComponent("secretstore.yaml", ComponentYaml.LocalFileSecretStore(Path.Combine(_files.Directory, "secrets.json"), nestedSeparator: ":", name: SecretStore))
            .WithComponent("resiliency.yaml", Resources.Resiliency)
            .WithFile("secrets.json", Resources.Secrets)
            .WithFile("config.yaml", Resources.Configuration);

        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        _log = new StreamWriter(LogPath, append: false) { AutoFlush = true };
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = _files.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = _prefix,
            AppStartTimeout = TimeSpan.FromSeconds(60),
            Output = TextWriter.Synchronized(_log),
        });

        Client = ClientForApp(SdkApp);
        Workflows = new DaprWorkflowClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{SdkApp.GrpcPort}")
            .UseHttpEndpoint(SdkSidecarHttpEndpoint)
            .Build();
        ActorOptions = new ActorProxyOptions { HttpEndpoint = SdkSidecarHttpEndpoint, RequestTimeout = TimeSpan.FromSeconds(30) };
        SdkAppHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{SdkApp.AppPort}"), Timeout = TimeSpan.FromSeconds(30) };
        TargetHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Target.AppPort}"), Timeout = TimeSpan.FromSeconds(30) };
        SdkSidecarHttp = new HttpClient { BaseAddress = new Uri(SdkSidecarHttpEndpoint), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>What sdk-app recorded under <paramref name="channel"/> (since its last start).</summary>
    public async Task<IReadOnlyList<Observed>> RecordsAsync(string channel) =>
        await SdkAppHttp.GetFromJsonAsync<List<Observed>>($"/test/records/{Uri.EscapeDataString(channel)}") ?? [];

    /// <summary>Polls sdk-app's records of <paramref name="channel"/> until <paramref name="done"/> holds for them.</summary>
    public Task<IReadOnlyList<Observed>> WaitForRecordsAsync(string channel, Func<IReadOnlyList<Observed>, bool> done, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            $"sdk-app's records of '{channel}'",
            _ => RecordsAsync(channel),
            done,
            timeout ?? TimeSpan.FromSeconds(20),
            records => records.Count == 0 ? "(none)" : string.Join(" | ", records.Select(r => r.Body)),
            TimeSpan.FromMilliseconds(200));

    /// <summary>Records of <paramref name="channel"/> whose body mentions <paramref name="marker"/>.</summary>
    public async Task<IReadOnlyList<Observed>> WaitForMarkedAsync(string channel, string marker, int count = 1, TimeSpan? timeout = null)
    {
        var records = await WaitForRecordsAsync(channel, rs => rs.Count(r => r.Body.Contains(marker, StringComparison.Ordinal)) >= count, timeout);
        return [.. records.Where(r => r.Body.Contains(marker, StringComparison.Ordinal))];
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Workflows?.Dispose();
        SdkAppHttp?.Dispose();
        TargetHttp?.Dispose();
        SdkSidecarHttp?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        await _stateDatabase.DisposeAsync();
        _files?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }
}

/// <summary>One observation of sdk-app (see its Recorder).</summary>
public sealed record Observed(string Body, string? ContentType, Dictionary<string, string> Headers, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceFixture>
{
    public const string Name = "conformance";
}
