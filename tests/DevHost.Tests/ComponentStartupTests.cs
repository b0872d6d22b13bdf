using System.Collections.Concurrent;
using DaprPlatform.DevHost.Configuration;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace DaprPlatform.DevHost.Tests;

/// <summary>How start-up treats the components it loads: one log line per served component, refusal of the rest.</summary>
public sealed class ComponentStartupTests(ITestOutputHelper output) : IAsyncDisposable
{
    private const string CronBinding = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: cron
        spec:
          type: bindings.cron
          version: v1
          metadata:
            - name: schedule
              value: "@every 1m"
        """;

    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10] + "_";
    private readonly CapturedLogs _logs = new();
    private readonly List<TemporaryRunFile> _folders = [];
    private PlatformHost? _host;

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) { await _host.DisposeAsync(); }
        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        foreach (var f in _folders) { f.Dispose(); }
        _logs.Dispose();
    }

    private TemporaryRunFile Folder(int httpPort)
    {
        var folder = TemporaryRunFile.Create("devhost-components-", [new RunFileApp("app", httpPort)])
            .WithComponent("statestore.yaml", ComponentYaml.PostgresStateStore(PostgresDatabase.AdminConnectionString))
            .WithComponent("pubsub.yaml", ComponentYaml.RedisPubSub());
        _folders.Add(folder);
        return folder;
    }

    private async Task<PlatformHost> StartAsync(string runFilePath)
    {
        _host = await PlatformHost.StartAsync(
            new DevHostOptions { RunFilePath = runFilePath, PostgresConnectionString = PostgresDatabase.AdminConnectionString, StartApps = false, DatabasePrefix = _prefix, Output = TextWriter.Null },
            _logs.Factory);
        return _host;
    }

    [Fact]
    public async Task An_unsupported_component_stops_start_up_with_an_error_naming_file_component_and_reason()
    {
        // "The Dapr sidecar fails to start if a component fails to initialize" (ignoreErrors defaults to false, component-schema).
        var folder = Folder(FreeTcpPort.Next()).WithComponent("cron.yaml", CronBinding);

        var start = () => StartAsync(folder.RunFilePath);

        var error = (await start.Should().ThrowAsync<DevHostConfigurationException>()).Which;
        error.Message.Should().Contain(Path.Combine(folder.Directory, "components", "cron.yaml")).And.Contain("component 'cron'")
            .And.Contain("bindings.cron").And.Contain("does not implement bindings").And.Contain("spec.ignoreErrors: true");
        _host.Should().BeNull();
    }

    [Fact]
    public async Task With_ignoreErrors_an_unsupported_component_is_left_out_with_a_warning()
    {
        // component-schema: spec.ignoreErrors: true tells the sidecar to continue initialization if the component fails to load;
        // the component is then absent, so metadata does not list it and calls to it get Dapr's not-found error.
        var port = FreeTcpPort.Next();
        var folder = Folder(port)
            .WithComponent("cron.yaml", CronBinding.Replace("  version: v1\n", "  version: v1\n  ignoreErrors: true\n", StringComparison.Ordinal))
            .WithComponent("vault.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: vault
                spec:
                  type: secretstores.kubernetes
                  version: v1
                  ignoreErrors: true
                  metadata: []
                """);

        await StartAsync(folder.RunFilePath);

        _logs.Lines(LogLevel.Warning).Should().Contain(l => l.StartsWith("[app] binding 'cron' (bindings.cron v1, components/cron.yaml): not served: ", StringComparison.Ordinal)
            && l.Contains("ignoreErrors is true", StringComparison.Ordinal));
        _logs.Lines(LogLevel.Warning).Should().Contain(l => l.StartsWith("[app] secret store 'vault' (secretstores.kubernetes v1", StringComparison.Ordinal));
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var metadata = JsonDocument.Parse(await sidecar.GetStringAsync("/v1.0/metadata")).RootElement;
        metadata.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().BeEquivalentTo(["statestore", "pubsub"]);

        // Output bindings API: an unknown binding → 500 ERR_INVOKE_OUTPUT_BINDING; secrets API with no secret store → ERR_SECRET_STORES_NOT_CONFIGURED.
        using var binding = await sidecar.PostAsync("/v1.0/bindings/cron", new StringContent("""{"operation":"create"}""", Encoding.UTF8, "application/json"));
        binding.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(binding)).GetProperty("errorCode").GetString().Should().Be("ERR_INVOKE_OUTPUT_BINDING");
        using var secret = await sidecar.GetAsync("/v1.0/secrets/vault/db");
        (await SidecarFixture.ErrorOf(secret)).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_STORES_NOT_CONFIGURED");
    }

    [Fact]
    public async Task The_repository_components_each_get_one_start_up_line_saying_how_they_are_served_naming_the_apps_that_share_it()
    {
        // Two apps that see different secretstore components (scopes), each reading the repository's components/ and config.yaml.
        var repo = RepositoryRoot.Path;
        var components = Path.Combine(repo, "components");
        var apps = new[] { ("identity", Path.Combine(repo, "services", "Identity")), ("workflows", Path.Combine(repo, "workflows")) };
        var runFile = TemporaryRunFile.Create("devhost-repo-components-");
        _folders.Add(runFile);
        var yaml = new StringBuilder($"version: 1\ncommon:\n  configFilePath: {Path.Combine(components, "config.yaml")}\napps:\n");
        foreach (var (appId, dir) in apps)
        {
            yaml.Append($"  - appID: {appId}\n    appDirPath: {dir}\n    resourcesPaths: [{components}]\n    daprHTTPPort: {FreeTcpPort.Next()}\n    daprGRPCPort: {FreeTcpPort.Next()}\n    command: [\"true\"]\n");
        }

        runFile.WithFile("dapr.yaml", yaml.ToString());

        await StartAsync(runFile.RunFilePath);

        var info = _logs.Lines(LogLevel.Information);
        foreach (var line in info) { output.WriteLine(line); }
        // "[all apps] …" or "[identity, workflows] …": the apps a line is about.
        static IReadOnlyList<string> AppsOf(string line) =>
            line.StartsWith("[all apps] ", StringComparison.Ordinal) ? ["identity", "workflows"] : line[1..line.IndexOf(']', StringComparison.Ordinal)].Split(", ");
        static string TextOf(string line) => line[(line.IndexOf("] ", StringComparison.Ordinal) + 2)..];
        foreach (var (appId, _) in apps)
        {
            var mine = info.Where(l => l.StartsWith('[') && AppsOf(l).Contains(appId)).Select(TextOf).ToList();
            var loaded = ResourceLoader.Load(appId, [components], Path.Combine(components, "config.yaml")).Components;
            loaded.Select(c => c.Name).Should().BeEquivalentTo(["statestore", "pubsub", "secretstore"]);
            foreach (var c in loaded)
            {
                var title = $"{ComponentSupport.Title(c, runFile.Directory)}: ";
                mine.Where(l => l.StartsWith(title, StringComparison.Ordinal)).Should().ContainSingle($"one line for {c.Name} of {appId}");
            }

            mine.Should().ContainSingle(l => l.StartsWith("pubsub 'pubsub' (pubsub.redis v1, ", StringComparison.Ordinal)
                && l.Contains("durable broker in Postgres; the Redis settings are not used", StringComparison.Ordinal));
            mine.Should().ContainSingle(l => l.StartsWith("state store 'statestore' (state.postgresql v1, ", StringComparison.Ordinal)
                && l.Contains("table state", StringComparison.Ordinal));
            mine.Should().ContainSingle(l => l.StartsWith("secret store 'secretstore' (secretstores.local.file v1, ", StringComparison.Ordinal)
                && l.Contains($"JSON file read once at start-up (secretsFile, nestedSeparator, multiValued); file {Path.Combine(components, "secrets.dev.json")}", StringComparison.Ordinal));
            mine.Should().ContainSingle(l => l.StartsWith("Configuration 'daprplatform'", StringComparison.Ordinal));
            mine.Should().ContainSingle(l => l.StartsWith("Resiliency 'daprplatform-resiliency'", StringComparison.Ordinal));
        }

        // What both apps share is said once, not once per app.
        info.Should().ContainSingle(l => l.StartsWith("[all apps] pubsub 'pubsub' ", StringComparison.Ordinal));
        info.Should().ContainSingle(l => l.StartsWith("[all apps] Configuration 'daprplatform'", StringComparison.Ordinal));
        info.Should().NotContain(l => l.StartsWith("[identity] pubsub", StringComparison.Ordinal) || l.StartsWith("[workflows] pubsub", StringComparison.Ordinal));
        _logs.Lines(LogLevel.Warning).Should().NotContain(l => l.Contains("not served", StringComparison.Ordinal));
    }

    /// <summary>Every message logged under the DevHost category, formatted, by level.</summary>
    private sealed class CapturedLogs : IDisposable
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public CapturedLogs() => Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new Provider(_entries)));

        public ILoggerFactory Factory { get; }

        public IReadOnlyList<string> Lines(LogLevel level) => _entries.Where(e => e.Level == level).Select(e => e.Message).ToList();

        public void Dispose() => Factory.Dispose();

        private sealed class Provider(ConcurrentQueue<(LogLevel, string)> entries) : ILoggerProvider
        {
            public ILogger CreateLogger(string categoryName) => new Logger(categoryName == "DevHost" ? entries : null);

            public void Dispose()
            {
                // Nothing to release: the entries belong to CapturedLogs.
            }
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)>? into) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => into is not null;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => into?.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
