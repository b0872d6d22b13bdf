using System.Runtime.CompilerServices;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Tests;

/// <summary>The repository's own dapr.yaml and components/ must be files DevHost can serve.</summary>
public sealed class RepositoryRunFileTests
{
    private static string RepoRoot([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));

    [Fact]
    public void The_repository_run_file_and_its_resources_load_for_every_app()
    {
        var runFile = RunFileLoader.Load(Path.Combine(RepoRoot(), "dapr.yaml"), () => 0);

        runFile.Apps.Select(a => a.AppId).Should().Contain(["gateway", "identity", "notifications"]);
        foreach (var app in runFile.Apps)
        {
            var set = ResourceLoader.Load(app.AppId, app.ResourcesPaths, app.ConfigFilePath);
            // ml (Python, ADR 0033) reads no secrets: components/secretstore.yaml's scopes leave it out.
            string[] expected = app.AppId == "ml" ? ["statestore", "pubsub"] : ["statestore", "pubsub", "secretstore"];
            set.Components.Select(c => c.Name).Should().Contain(expected, app.AppId);
        }
    }
}
