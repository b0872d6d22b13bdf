namespace DaprPlatform.TestSupport;

public static class RepositoryRoot
{
    /// <summary>The folder that holds DaprPlatform.sln, found by walking up from the test's output folder.</summary>
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

        throw new InvalidOperationException($"DaprPlatform.sln not found above {AppContext.BaseDirectory}");
    }
}
