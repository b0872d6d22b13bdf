using System.Xml.Linq;

namespace DaprPlatform.DevHost.Processes;

/// <summary>
/// `dotnet run --no-build` without the `dotnet run` process: that wrapper only resolves the built assembly, starts it and
/// waits, holding ~135 MB for the whole run. When the command is exactly that (optionally with --project, -c/--configuration
/// and app arguments after --) and the project has no launch profile to apply, DevHost starts the built assembly itself as
/// `dotnet run` would: same working directory, same environment, same arguments. Anything else runs as written, so the run
/// file means the same to DevHost as to `dapr run -f`.
/// </summary>
internal static class DotnetRunCommand
{
    /// <summary>The direct command (`dotnet &lt;assembly.dll&gt; args…`), or null to run <paramref name="command"/> as written.</summary>
    public static IReadOnlyList<string>? Direct(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        if (command.Count < 3 || Path.GetFileName(command[0]) != "dotnet" || command[1] != "run") { return null; }
        string? project = null;
        string? configuration = null;
        var noBuild = false;
        var appArguments = new List<string>();
        for (var i = 2; i < command.Count; i++)
        {
            switch (command[i])
            {
                case "--no-build": noBuild = true; break;
                case "--project" when i + 1 < command.Count: project = command[++i]; break;
                case "-c" or "--configuration" when i + 1 < command.Count: configuration = command[++i]; break;
                case "--":
                    appArguments.AddRange(command.Skip(i + 1));
                    i = command.Count;
                    break;
                default: return null; // an option whose effect DevHost would have to imitate: leave it to dotnet run
            }
        }

        if (!noBuild || ProjectFile(project, workingDirectory) is not { } projectFile) { return null; }

        // dotnet run applies Properties/launchSettings.json (environment, URLs): keep the wrapper where there is one.
        var projectDirectory = Path.GetDirectoryName(projectFile)!;
        if (File.Exists(Path.Combine(projectDirectory, "Properties", "launchSettings.json"))) { return null; }

        configuration ??= environment.GetValueOrDefault("Configuration") is { Length: > 0 } fromEnvironment ? fromEnvironment : "Debug";
        return BuiltAssembly(projectFile, configuration, environment) is { } assembly ? ["dotnet", assembly, .. appArguments] : null;
    }

    private static string? ProjectFile(string? project, string workingDirectory)
    {
        var path = project is null ? workingDirectory : Path.GetFullPath(Path.Combine(workingDirectory, project));
        if (File.Exists(path)) { return path; }
        if (!Directory.Exists(path)) { return null; }
        var projects = Directory.GetFiles(path, "*.csproj");
        return projects.Length == 1 ? projects[0] : null;
    }

    /// <summary>
    /// Where the build put the assembly: the artifacts layout (UseArtifactsOutput in a Directory.Build.props above the
    /// project: {ArtifactsPath}/bin/{project}/{configuration}/) or the classic bin/{configuration}/{tfm}/.
    /// Null when it is not there (dotnet run then reports the missing build itself).
    /// </summary>
    private static string? BuiltAssembly(string projectFile, string configuration, IReadOnlyDictionary<string, string> environment)
    {
        var projectName = Path.GetFileNameWithoutExtension(projectFile);
        var assemblyName = Property(projectFile, "AssemblyName") ?? projectName;
        var candidates = new List<string>();
        if (ArtifactsRoot(projectFile, environment) is { } artifacts)
        {
            candidates.Add(Path.Combine(artifacts, "bin", projectName, configuration.ToLowerInvariant(), assemblyName + ".dll"));
        }

        if (Property(projectFile, "TargetFramework") is { } tfm)
        {
            candidates.Add(Path.Combine(Path.GetDirectoryName(projectFile)!, "bin", configuration, tfm, assemblyName + ".dll"));
        }

        return candidates.FirstOrDefault(File.Exists);
    }

    private static string? ArtifactsRoot(string projectFile, IReadOnlyDictionary<string, string> environment)
    {
        for (var directory = Path.GetDirectoryName(projectFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            var props = Path.Combine(directory, "Directory.Build.props");
            if (!File.Exists(props)) { continue; }
            if (!string.Equals(Property(props, "UseArtifactsOutput"), "true", StringComparison.OrdinalIgnoreCase)) { return null; }
            return environment.GetValueOrDefault("ArtifactsPath") is { Length: > 0 } path ? path : Path.Combine(directory, "artifacts");
        }

        return null;
    }

    private static string? Property(string msbuildFile, string name)
    {
        try
        {
            return XDocument.Load(msbuildFile).Descendants(name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0 && !v.Contains("$(", StringComparison.Ordinal));
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
