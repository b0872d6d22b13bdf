using System.Reflection;

namespace DaprPlatform.TestSupport;

public static class RepositoryRoot
{
    /// <summary>
    /// The folder that holds DaprPlatform.sln: found by walking up from the test's output folder, or, when the
    /// output lives elsewhere (ArtifactsPath outside the repository), the folder TestSupport was built from.
    /// </summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DaprPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        var builtFrom = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (builtFrom is not null && File.Exists(System.IO.Path.Combine(builtFrom, "DaprPlatform.sln")))
        {
            return builtFrom;
        }

        throw new InvalidOperationException($"DaprPlatform.sln not found above {AppContext.BaseDirectory} nor in {builtFrom ?? "(no build path recorded)"}");
    }
}
