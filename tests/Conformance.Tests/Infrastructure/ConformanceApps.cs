namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>Where the build put the apps of tests/Conformance.Apps: beside this suite's own output folder (artifacts/bin/&lt;project&gt;/&lt;pivot&gt;).</summary>
public static class ConformanceApps
{
    public static string Locate(string projectName, string assemblyFile)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var pivot = own.Name;
        var bin = own.Parent?.Parent ?? throw new InvalidOperationException($"Unexpected output folder {own.FullName}");
        var path = Path.Combine(bin.FullName, projectName, pivot, assemblyFile);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{assemblyFile} is not built at {path}; build tests/Conformance.Tests (it builds the apps) first.", path);
    }
}
