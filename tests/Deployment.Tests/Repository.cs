namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// One app of dapr.yaml, the source of truth for app ids, ports and protocols; its health-check settings merged with
/// common as dapr run -f merges them (an app's unset value comes from common).
/// </summary>
public sealed record RunFileApp(string AppId, string AppDirPath, int AppPort, string AppProtocol, bool EnableAppHealthCheck = false, string AppHealthCheckPath = "/healthz")
{
    /// <summary>The port as manifests spell it (annotations, env values and probe ports are strings there).</summary>
    public string AppPortText => AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A .NET project (its folder holds a .csproj); otherwise an app in another language with its own Dockerfile (ml, ADR 0033).</summary>
    public bool IsDotnet => Directory.EnumerateFiles(Path.Combine(Repository.Root, AppDirPath), "*.csproj").Any();
}

/// <summary>The checked-out repository the tests read: dapr.yaml, components/, k8s/ and the apps' code.</summary>
public static class Repository
{
    public static string Root => DaprPlatform.TestSupport.RepositoryRoot.Path;

    public static IReadOnlyList<RunFileApp> Apps { get; } = ReadApps();

    public static IReadOnlySet<string> AppIds { get; } = Apps.Select(a => a.AppId).ToHashSet(StringComparer.Ordinal);

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Every YAML file under a folder, as repository-relative paths (sorted, so test names are stable).</summary>
    public static IReadOnlyList<string> YamlFiles(string folder) =>
        Directory.EnumerateFiles(PathOf(folder), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IReadOnlyList<RunFileApp> ReadApps()
    {
        var runFile = YamlDocuments.ParseFile(Path.Combine(DaprPlatform.TestSupport.RepositoryRoot.Path, "dapr.yaml")).Single();
        var common = runFile["common"];
        return runFile["apps"].Objects()
            .Select(a => new RunFileApp(
                a["appID"].Text() ?? throw new InvalidDataException("dapr.yaml: an app without appID"),
                a["appDirPath"].Text() ?? throw new InvalidDataException("dapr.yaml: an app without appDirPath"),
                int.Parse(a["appPort"].Text() ?? throw new InvalidDataException("dapr.yaml: an app without appPort"), System.Globalization.CultureInfo.InvariantCulture),
                a["appProtocol"].Text() ?? "http",
                a["enableAppHealthCheck"].Text() == "true" || common?["enableAppHealthCheck"].Text() == "true",
                a["appHealthCheckPath"].Text() ?? common?["appHealthCheckPath"].Text() ?? "/healthz"))
            .ToList();
    }
}
