using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Npgsql;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>
/// A DevHost (StartApps = false) with two in-test apps: "host", whose GET /dapr/config lists actor types, and "caller",
/// which hosts none. State lives in a Postgres database unique to the harness; a restart reuses it.
/// </summary>
public sealed class ActorHarness : IAsyncDisposable
{
    public const string AppToken = "actor-app-token";

    private readonly string _directory;
    private readonly StringWriter _output = new();

    private ActorHarness(string directory, string prefix, ActorApp host, ActorApp caller, int hostHttp, int callerHttp)
    {
        _directory = directory;
        Prefix = prefix;
        Host = host;
        Caller = caller;
        HostSidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{hostHttp}") };
        CallerSidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{callerHttp}") };
    }

    public string Prefix { get; }

    public ActorApp Host { get; }

    public ActorApp Caller { get; }

    public HttpClient HostSidecar { get; }

    public HttpClient CallerSidecar { get; }

    public PlatformHost? Platform { get; private set; }

    /// <summary>What DevHost printed (component lines, actor placement lines, status table).</summary>
    public string Output
    {
        get
        {
            lock (_output) { return _output.ToString(); }
        }
    }

    public static string AdminConnectionString => DaprPlatform.TestSupport.PostgresDatabase.AdminConnectionString;

    /// <summary>Starts the apps and DevHost; <paramref name="hostConfig"/> is the host app's /dapr/config reply.</summary>
    /// <param name="components">Extra files for the components folder (name → YAML), e.g. a Resiliency resource.</param>
    /// <param name="actorStateStore">Whether the statestore component is marked actorStateStore: "true".</param>
    public static async Task<ActorHarness> StartAsync(
        string hostConfig, string? configurationYaml = null, IReadOnlyDictionary<string, string>? components = null, bool actorStateStore = true)
    {
        var dir = Path.Combine(Path.GetTempPath(), "devhost-actors-" + Guid.NewGuid().ToString("N"));
        var hostPort = DaprPlatform.TestSupport.FreeTcpPort.Next();
        var callerPort = DaprPlatform.TestSupport.FreeTcpPort.Next();
        var hostHttp = DaprPlatform.TestSupport.FreeTcpPort.Next();
        var callerHttp = DaprPlatform.TestSupport.FreeTcpPort.Next();
        Directory.CreateDirectory(Path.Combine(dir, "components"));
        Directory.CreateDirectory(Path.Combine(dir, "host"));
        Directory.CreateDirectory(Path.Combine(dir, "caller"));
        var config = configurationYaml is null ? "" : "  configFilePath: ./config.yaml\n";
        await File.WriteAllTextAsync(Path.Combine(dir, "dapr.yaml"), $"""
            version: 1
            common:
              resourcesPaths: [./components]
            {config}apps:
              - appID: host
                appDirPath: ./host
                appPort: {hostPort}
                daprHTTPPort: {hostHttp}
                daprGRPCPort: {DaprPlatform.TestSupport.FreeTcpPort.Next()}
                command: ["true"]
                env:
                  APP_API_TOKEN: {AppToken}
              - appID: caller
                appDirPath: ./caller
                appPort: {callerPort}
                daprHTTPPort: {callerHttp}
                daprGRPCPort: {DaprPlatform.TestSupport.FreeTcpPort.Next()}
                command: ["true"]

            """);
        if (configurationYaml is not null) { await File.WriteAllTextAsync(Path.Combine(dir, "config.yaml"), configurationYaml); }

        // DevHost serves the statestore from its own database when the component's server is unreachable (port 1).
        await File.WriteAllTextAsync(Path.Combine(dir, "components", "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "Host=127.0.0.1;Port=1;Database=nowhere"
                - name: actorStateStore
                  value: "{(actorStateStore ? "true" : "false")}"
            """);
        foreach (var (name, yaml) in components ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "components", name), yaml);
        }

        var host = await ActorApp.StartAsync(hostPort, hostConfig);
        var caller = await ActorApp.StartAsync(callerPort, null);
        var harness = new ActorHarness(dir, "ta" + Guid.NewGuid().ToString("N")[..10] + "_", host, caller, hostHttp, callerHttp);
        await harness.StartHostAsync();
        return harness;
    }

    public async Task StartHostAsync()
    {
        Platform = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(_directory, "dapr.yaml"),
            PostgresConnectionString = AdminConnectionString,
            StartApps = false,
            DatabasePrefix = Prefix,
            Output = new LockedWriter(_output),
        });
    }

    public async Task StopHostAsync()
    {
        if (Platform is not null) { await Platform.DisposeAsync(); }
        Platform = null;
    }

    /// <summary>A connection to DevHost's own database (state table, reminders).</summary>
    public async Task<NpgsqlConnection> OpenDevHostDatabaseAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = Prefix + "devhost", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Dapr's error body {"errorCode","message"}.</summary>
    public static async Task<(string Code, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("errorCode").GetString()!, body.GetProperty("message").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        HostSidecar.Dispose();
        CallerSidecar.Dispose();
        await Host.DisposeAsync();
        await Caller.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            var names = new List<string>();
            await using (var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE $1", conn))
            {
                cmd.Parameters.AddWithValue(Prefix + "%");
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) { names.Add(r.GetString(0)); }
            }

            foreach (var name in names)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
                await drop.ExecuteNonQueryAsync();
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temp files only.
        }
    }

    /// <summary>DevHost prints from several threads; the harness reads the text while it does.</summary>
    private sealed class LockedWriter(StringWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            lock (inner) { inner.Write(value); }
        }

        public override void Write(string? value)
        {
            lock (inner) { inner.Write(value); }
        }

        public override void WriteLine(string? value)
        {
            lock (inner) { inner.WriteLine(value); }
        }
    }
}
