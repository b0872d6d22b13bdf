namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// `dotnet run --no-build` in the run file: DevHost starts the built assembly the way `dotnet run` would, without the
/// wrapper process that only waits for its child, and leaves every other command as written.
/// </summary>
public sealed class DotnetRunLaunchTests
{
    /// <summary>
    /// A project in the artifacts layout whose "build output" is DevHost's own (a linked folder): its telegram-standin
    /// command runs until stopped, which is all an app needs to be here.
    /// </summary>
    private static async Task<(TestHost Files, PlatformHost Host, StringWriter Output)> StartAsync(string command, string? launchSettings = null)
    {
        var devhostOutput = Path.GetDirectoryName(typeof(PlatformHost).Assembly.Location)!;
        var files = new Dictionary<string, string>
        {
            ["dapr.yaml"] = $$"""
                version: 1
                apps:
                  - appID: app
                    appDirPath: ./app
                    daprHTTPPort: {{FreeTcpPort.Next()}}
                    daprGRPCPort: {{FreeTcpPort.Next()}}
                    command: {{command.Replace("{port}", FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}}
                """,
            ["Directory.Build.props"] = "<Project><PropertyGroup><UseArtifactsOutput>true</UseArtifactsOutput></PropertyGroup></Project>",
            ["app/App.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><AssemblyName>DaprPlatform.DevHost</AssemblyName></PropertyGroup></Project>",
        };
        if (launchSettings is not null) { files["app/Properties/launchSettings.json"] = launchSettings; }
        var testHost = TestHost.Create(files);
        Directory.CreateDirectory(Path.Combine(testHost.Directory, "artifacts", "bin", "App"));
        Directory.CreateSymbolicLink(Path.Combine(testHost.Directory, "artifacts", "bin", "App", "debug"), devhostOutput);
        var output = new StringWriter();
        var host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(testHost.Directory, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = testHost.Prefix,
            Output = output,
        });
        return (testHost, host, output);
    }

    private static string Text(StringWriter output)
    {
        lock (output) { return output.ToString(); }
    }

    private static string CommandLineOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();

    [Fact]
    public async Task Dotnet_run_no_build_starts_the_built_assembly_directly_with_the_app_arguments()
    {
        var (files, host, output) = await StartAsync("""["dotnet", "run", "--no-build", "--", "telegram-standin", "--port", "{port}"]""");
        await using var _ = files;
        await using var __ = host;

        Text(output).Should().Contain("[app] started `dotnet ");

        // The app is started through setsid (a session of its own), which execs it in place: wait for that exec.
        var pid = host.Apps.Single().Pid!.Value;
        var commandLine = await Eventually.UntilAsync("setsid to exec the app", _ => Task.FromResult(CommandLineOf(pid)),
            c => !c.Contains("setsid", StringComparison.Ordinal), TimeSpan.FromSeconds(10), c => c);
        commandLine.Should().StartWith("dotnet ").And.Contain(Path.Combine("artifacts", "bin", "App", "debug", "DaprPlatform.DevHost.dll") + " telegram-standin --port");
        commandLine.Should().NotContain(" run ", "no dotnet run wrapper waits beside the app");
    }

    [Fact]
    public async Task A_project_with_a_launch_profile_keeps_dotnet_run_which_applies_it()
    {
        var (files, host, output) = await StartAsync(
            """["dotnet", "run", "--no-build", "--", "telegram-standin", "--port", "{port}"]""",
            """{"profiles":{"app":{"commandName":"Project","environmentVariables":{"X":"1"}}}}""");
        await using var _ = files;
        await using var __ = host;

        // The run file's command as written (dotnet run then applies the profile, or fails on this stand-in project).
        Text(output).Should().NotContain("directly");
        host.Apps.Single().Pid.Should().NotBeNull();
    }
}
