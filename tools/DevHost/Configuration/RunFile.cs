using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DaprPlatform.DevHost.Configuration;

/// <summary>A parsed multi-app run file (dapr.yaml) with every path made absolute.</summary>
public sealed record RunFile(string FilePath, string Directory, IReadOnlyList<AppDefinition> Apps);

public sealed record AppDefinition(
    string AppId,
    string AppDirectory,
    int? AppPort,
    string AppProtocol,
    int DaprHttpPort,
    int DaprGrpcPort,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string> ResourcesPaths,
    string? ConfigFilePath,
    string AppHealthCheckPath,
    AppHealthCheck? HealthCheck = null);

/// <summary>
/// App health checks, on with <c>enableAppHealthCheck: true</c> (daprd --enable-app-health-check and its app-health-*
/// flags): GET <see cref="Path"/> every <see cref="ProbeInterval"/>, each probe bounded by <see cref="ProbeTimeout"/>; the app
/// is unhealthy after <see cref="Threshold"/> failures.
/// </summary>
public sealed record AppHealthCheck(string Path, TimeSpan ProbeInterval, TimeSpan ProbeTimeout, int Threshold)
{
    // daprd's defaults (pkg/config/app_connection.go): 5 s, 500 ms, 3.
    public static readonly TimeSpan DefaultProbeInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromMilliseconds(500);
    public const int DefaultThreshold = 3;
}

public static class RunFileLoader
{
    public static RunFile Load(string path, Func<int> freePort)
    {
        var fullPath = Path.GetFullPath(path);
        if (System.IO.Directory.Exists(fullPath))
        {
            // Like `dapr run -f <dir>`: the default file name is dapr.yaml.
            fullPath = Path.Combine(fullPath, "dapr.yaml");
        }

        if (!File.Exists(fullPath))
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}' does not exist.");
        }

        RunFileYaml doc;
        try
        {
            doc = YamlReading.Deserializer.Deserialize<RunFileYaml?>(File.ReadAllText(fullPath)) ?? new RunFileYaml();
        }
        catch (YamlException ex)
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}' is not valid YAML ({ex.Start}): {ex.InnerException?.Message ?? ex.Message}");
        }

        // The Dapr CLI rejects a missing or zero version.
        if (doc.Version is null or 0)
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}': 'version' is required (use version: 1).");
        }

        if (doc.Apps is null || doc.Apps.Count == 0)
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}': 'apps' must list at least one app.");
        }

        var baseDir = Path.GetDirectoryName(fullPath)!;
        var common = doc.Common ?? new RunFileAppYaml();
        var apps = new List<AppDefinition>();
        foreach (var (app, index) in doc.Apps.Select((a, i) => (a, i)))
        {
            if (string.IsNullOrWhiteSpace(app.AppDirPath))
            {
                throw new DevHostConfigurationException($"Run file '{fullPath}': apps[{index}] has no 'appDirPath' (required).");
            }

            var appDir = Path.GetFullPath(Path.Combine(baseDir, app.AppDirPath));
            var appId = string.IsNullOrWhiteSpace(app.AppId) ? new DirectoryInfo(appDir).Name : app.AppId!;
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in common.Env ?? []) { env[k] = v ?? ""; }
            foreach (var (k, v) in app.Env ?? []) { env[k] = v ?? ""; }

            // Precedence as in the CLI: app value > <appDir>/.dapr/resources > common.
            var resources = new List<string>();
            var appResources = Combine(app.ResourcesPaths, app.ResourcesPath);
            var commonResources = Combine(common.ResourcesPaths, common.ResourcesPath);
            if (appResources.Count > 0)
            {
                resources.AddRange(appResources.Select(p => Path.GetFullPath(Path.Combine(appDir, p))));
            }
            else if (System.IO.Directory.Exists(Path.Combine(appDir, ".dapr", "resources")))
            {
                resources.Add(Path.Combine(appDir, ".dapr", "resources"));
            }
            else
            {
                resources.AddRange(commonResources.Select(p => Path.GetFullPath(Path.Combine(baseDir, p))));
            }

            string? config = null;
            if (!string.IsNullOrWhiteSpace(app.ConfigFilePath))
            {
                config = Path.GetFullPath(Path.Combine(appDir, app.ConfigFilePath));
            }
            else if (!string.IsNullOrWhiteSpace(common.ConfigFilePath))
            {
                config = Path.GetFullPath(Path.Combine(baseDir, common.ConfigFilePath));
            }

            var protocol = app.AppProtocol ?? common.AppProtocol ?? "http";
            if (protocol is not "http")
            {
                throw new DevHostConfigurationException($"Run file '{fullPath}': app '{appId}' uses appProtocol '{protocol}'; DevHost only serves HTTP apps.");
            }

            var healthCheckPath = app.AppHealthCheckPath ?? common.AppHealthCheckPath ?? "/healthz";
            apps.Add(new AppDefinition(
                appId,
                appDir,
                app.AppPort,
                protocol,
                app.DaprHttpPort ?? freePort(),
                app.DaprGrpcPort ?? freePort(),
                app.Command ?? common.Command ?? [],
                env,
                resources,
                config,
                healthCheckPath,
                HealthCheck(fullPath, appId, app, common, healthCheckPath)));
        }

        foreach (var dup in apps.GroupBy(a => a.AppId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}': app id '{dup.Key}' is listed more than once.");
        }

        var ports = apps.SelectMany(a => new[] { (Port: (int?)a.DaprHttpPort, a.AppId), (Port: (int?)a.DaprGrpcPort, a.AppId), (Port: a.AppPort, a.AppId) })
            .Where(p => p.Port is not null)
            .GroupBy(p => p.Port)
            .FirstOrDefault(g => g.Count() > 1);
        if (ports is not null)
        {
            throw new DevHostConfigurationException($"Run file '{fullPath}': port {ports.Key} is used more than once ({string.Join(", ", ports.Select(p => p.AppId))}).");
        }

        return new RunFile(fullPath, baseDir, apps);
    }

    /// <summary>
    /// The app's health check settings, null when off. As in the CLI, a value the app leaves unset (or zero) comes from
    /// common; as in daprd, a non-positive interval, timeout or threshold takes the default, and a probe timeout longer
    /// than the interval stops the start (daprd refuses it whether or not the checks are on).
    /// </summary>
    private static AppHealthCheck? HealthCheck(string runFile, string appId, RunFileAppYaml app, RunFileAppYaml common, string path)
    {
        static int Pick(int? own, int? shared) => own is { } value and not 0 ? value : shared ?? 0;
        var seconds = Pick(app.AppHealthProbeInterval, common.AppHealthProbeInterval);
        var milliseconds = Pick(app.AppHealthProbeTimeout, common.AppHealthProbeTimeout);
        var failures = Pick(app.AppHealthThreshold, common.AppHealthThreshold);
        var interval = seconds > 0 ? TimeSpan.FromSeconds(seconds) : AppHealthCheck.DefaultProbeInterval;
        var timeout = milliseconds > 0 ? TimeSpan.FromMilliseconds(milliseconds) : AppHealthCheck.DefaultProbeTimeout;
        var threshold = failures > 0 ? failures : AppHealthCheck.DefaultThreshold;
        if (timeout > interval)
        {
            throw new DevHostConfigurationException(
                $"Run file '{runFile}': app '{appId}': appHealthProbeTimeout ({timeout.TotalMilliseconds} ms) must not be longer than appHealthProbeInterval ({interval.TotalSeconds} s); daprd does not start with it.");
        }

        return app.EnableAppHealthCheck == true || common.EnableAppHealthCheck == true
            ? new AppHealthCheck("/" + path.TrimStart('/'), interval, timeout, threshold)
            : null;
    }

    private static List<string> Combine(List<string>? list, string? single)
    {
        var result = new List<string>(list ?? []);
        if (!string.IsNullOrWhiteSpace(single)) { result.Add(single); }
        return result;
    }

    private sealed class RunFileYaml
    {
        [YamlMember(Alias = "version")] public int? Version { get; set; }
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "common")] public RunFileAppYaml? Common { get; set; }
        [YamlMember(Alias = "apps")] public List<RunFileAppYaml>? Apps { get; set; }
    }

    private sealed class RunFileAppYaml
    {
        [YamlMember(Alias = "appID")] public string? AppId { get; set; }
        [YamlMember(Alias = "appDirPath")] public string? AppDirPath { get; set; }
        [YamlMember(Alias = "appPort")] public int? AppPort { get; set; }
        [YamlMember(Alias = "appProtocol")] public string? AppProtocol { get; set; }
        [YamlMember(Alias = "daprHTTPPort")] public int? DaprHttpPort { get; set; }
        [YamlMember(Alias = "daprGRPCPort")] public int? DaprGrpcPort { get; set; }
        [YamlMember(Alias = "command")] public List<string>? Command { get; set; }
        [YamlMember(Alias = "env")] public Dictionary<string, string?>? Env { get; set; }
        [YamlMember(Alias = "resourcesPaths")] public List<string>? ResourcesPaths { get; set; }
        [YamlMember(Alias = "resourcesPath")] public string? ResourcesPath { get; set; }
        [YamlMember(Alias = "configFilePath")] public string? ConfigFilePath { get; set; }
        [YamlMember(Alias = "appHealthCheckPath")] public string? AppHealthCheckPath { get; set; }
        [YamlMember(Alias = "enableAppHealthCheck")] public bool? EnableAppHealthCheck { get; set; }

        /// <summary>Seconds, as the CLI's --app-health-probe-interval.</summary>
        [YamlMember(Alias = "appHealthProbeInterval")] public int? AppHealthProbeInterval { get; set; }

        /// <summary>Milliseconds, as the CLI's --app-health-probe-timeout.</summary>
        [YamlMember(Alias = "appHealthProbeTimeout")] public int? AppHealthProbeTimeout { get; set; }

        [YamlMember(Alias = "appHealthThreshold")] public int? AppHealthThreshold { get; set; }
    }
}

internal static class YamlReading
{
    public static readonly IDeserializer Deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    /// <summary>Splits a multi-document YAML file into its documents.</summary>
    public static IEnumerable<string> Documents(string text)
    {
        var current = new System.Text.StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimEnd('\r').StartsWith("---", StringComparison.Ordinal) && line.TrimEnd('\r').Trim().Length == 3)
            {
                if (current.ToString().Trim().Length > 0) { yield return current.ToString(); }
                current.Clear();
                continue;
            }

            current.Append(line).Append('\n');
        }

        if (current.ToString().Trim().Length > 0) { yield return current.ToString(); }
    }
}
