using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.TestSupport;

/// <summary>One app of a temporary run file. A null gRPC port gets a free one; a null app port leaves appPort out (sidecar only).</summary>
public sealed record RunFileApp(string AppId, int DaprHttpPort, int? AppPort = null)
{
    /// <summary>Relative to the run file's folder; DevHost requires one per app.</summary>
    public string AppDirPath { get; init; } = ".";

    public int? DaprGrpcPort { get; init; }

    /// <summary>Environment variables of the app (and its sidecar), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>The app's command, run in <see cref="AppDirPath"/> when DevHost starts apps; the default does nothing.</summary>
    public IReadOnlyList<string> Command { get; init; } = ["true"];
}

/// <summary>
/// A throw-away folder holding a Multi-App Run file (dapr.yaml, every app reading ./components) plus component
/// and other files, for starting DevHost the way the dapr CLI would. Deleted on dispose.
/// </summary>
public sealed class TemporaryRunFile : IDisposable
{
    public const string ComponentsFolder = "components";

    private TemporaryRunFile(string directory) => Directory = directory;

    public string Directory { get; }

    public string RunFilePath => Path.Combine(Directory, "dapr.yaml");

    /// <summary>Creates an empty folder, for a test that writes its own dapr.yaml and files.</summary>
    /// <param name="folderPrefix">Start of the temp folder's name, so a leftover folder says which tests made it.</param>
    public static TemporaryRunFile Create(string folderPrefix)
    {
        var runFile = new TemporaryRunFile(Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(runFile.Directory);
        return runFile;
    }

    /// <summary>Creates the folder and writes dapr.yaml for <paramref name="apps"/>.</summary>
    /// <param name="folderPrefix">Start of the temp folder's name, so a leftover folder says which tests made it.</param>
    /// <param name="configFilePath">The common Configuration file (relative), if any.</param>
    public static TemporaryRunFile Create(string folderPrefix, IEnumerable<RunFileApp> apps, string? configFilePath = null)
    {
        var runFile = Create(folderPrefix);
        System.IO.Directory.CreateDirectory(Path.Combine(runFile.Directory, ComponentsFolder));
        return runFile.WithFile("dapr.yaml", Render(apps, configFilePath));
    }

    /// <summary>The dapr.yaml text: components shared through common.resourcesPaths, one entry per app.</summary>
    public static string Render(IEnumerable<RunFileApp> apps, string? configFilePath = null)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var yaml = new StringBuilder("version: 1\ncommon:\n").Append(CultureInfo.InvariantCulture, $"  resourcesPaths: [./{ComponentsFolder}]\n");
        if (configFilePath is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  configFilePath: {configFilePath}\n");
        }

        yaml.Append("apps:\n");
        foreach (var app in apps)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - appID: {app.AppId}\n")
                .Append(CultureInfo.InvariantCulture, $"    appDirPath: {app.AppDirPath}\n");
            if (app.AppPort is { } appPort)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    appPort: {appPort}\n");
            }

            yaml.Append(CultureInfo.InvariantCulture, $"    daprHTTPPort: {app.DaprHttpPort}\n")
                .Append(CultureInfo.InvariantCulture, $"    daprGRPCPort: {app.DaprGrpcPort ?? FreeTcpPort.Next()}\n")
                .Append(CultureInfo.InvariantCulture, $"    command: [{string.Join(", ", app.Command.Select(part => JsonSerializer.Serialize(part)))}]\n");
            if (app.Env.Count > 0)
            {
                yaml.Append("    env:\n");
                foreach (var (name, value) in app.Env)
                {
                    yaml.Append(CultureInfo.InvariantCulture, $"      {name}: {value}\n");
                }
            }
        }

        return yaml.ToString();
    }

    /// <summary>Writes components/<paramref name="fileName"/>.</summary>
    public TemporaryRunFile WithComponent(string fileName, string yaml) => WithFile(Path.Combine(ComponentsFolder, fileName), yaml);

    /// <summary>Writes a file relative to the run file's folder, creating its folder.</summary>
    public TemporaryRunFile WithFile(string relativePath, string content)
    {
        WriteFile(relativePath, content);
        return this;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temp files only; a leftover folder is harmless.
        }
    }

    private void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
