using System.Diagnostics;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// Shutdown in daprd's order (pkg/runtime/runtime.go, pkg/actors/actors.go Run: the actor table is halted — every active
/// actor deactivated — while the app still runs; then the app channel and the API servers close), and the app stopped
/// only after its sidecar, as the dapr CLI does (cmd/run.go stopDaprdAndAppProcesses). The CLI starts apps in a process
/// group of their own (Setpgid), so a Ctrl-C in the terminal never reaches them directly. Each path — Ctrl-C of the
/// DevHost command, PlatformHost.StopAsync, POST /v1.0/shutdown — must let an app with an active actor see
/// DELETE /actors/{type}/{id} before it is terminated.
/// </summary>
public sealed class ShutdownOrderTests
{
    private const string ActorConfig = """{"entities":["Counter"]}""";

    private static Dictionary<string, string> ActorAppFiles(string appId) => new()
    {
        [$"{appId}/{ScriptedApp.FileName}"] = ScriptedApp.Script,
        [$"{appId}/dapr-config.json"] = ActorConfig,
    };

    /// <summary>The app saw the DELETE for the actor, then SIGTERM, and never a SIGINT.</summary>
    private static void DeactivatedBeforeTerminated(string output, string appId, string actorId)
    {
        var delete = output.IndexOf($"[{appId}] app: DELETE /actors/Counter/{actorId}", StringComparison.Ordinal);
        var terminated = output.IndexOf($"[{appId}] app: SIGTERM", StringComparison.Ordinal);
        delete.Should().BeGreaterThan(-1, "the actor is deactivated at shutdown:\n" + output);
        terminated.Should().BeGreaterThan(delete, "the app is stopped only after its actors are deactivated:\n" + output);
        output.Should().NotContain($"[{appId}] app: SIGINT", "Ctrl-C reaches DevHost only");
        output.Should().NotContain("deactivating actor", "no deactivation failed");
    }

    private static async Task ActivateAsync(int sidecarHttp, string actorId)
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{sidecarHttp}") };
        using var response = await sidecar.PutAsync($"/v1.0/actors/Counter/{actorId}/method/hit", SidecarFixture.Json("{}"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(TestHost Files, PlatformHost Host, StringWriter Output)> StartAsync(string apps, IReadOnlyDictionary<string, string> files)
    {
        var testHost = TestHost.Create(new Dictionary<string, string>(files) { ["dapr.yaml"] = "version: 1\napps:\n" + apps });
        var output = new StringWriter();
        return (testHost, await testHost.StartAsync(startApps: true, output), output);
    }

    private static string Text(StringWriter output)
    {
        lock (output) { return output.ToString(); }
    }

    [Fact]
    public async Task StopAsync_deactivates_active_actors_before_it_stops_the_apps()
    {
        var http = FreeTcpPort.Next();
        var (files, host, output) = await StartAsync(ScriptedApp.RunFileApp("actors", FreeTcpPort.Next(), http), ActorAppFiles("actors"));
        await using (files)
        {
            await ActivateAsync(http, "stop-1");

            await host.StopAsync();

            DeactivatedBeforeTerminated(Text(output), "actors", "stop-1");
        }
    }

    [Fact]
    public async Task Post_shutdown_deactivates_the_app_s_actors_then_closes_the_sidecar_then_stops_the_app()
    {
        int http = FreeTcpPort.Next(), otherHttp = FreeTcpPort.Next();
        var allFiles = ActorAppFiles("actors");
        allFiles[$"other/{ScriptedApp.FileName}"] = ScriptedApp.Script;
        var (files, host, output) = await StartAsync(
            ScriptedApp.RunFileApp("actors", FreeTcpPort.Next(), http) + ScriptedApp.RunFileApp("other", FreeTcpPort.Next(), otherHttp), allFiles);
        await using (files)
        {
            await ActivateAsync(http, "shutdown-1");
            using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            (await sidecar.PostAsync("/v1.0/shutdown", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

            await Eventually.UntilAsync("the app to stop", _ => Task.FromResult(host.Apps.Single(a => a.AppId == "actors").State), s => s == AppState.Stopped,
                TimeSpan.FromSeconds(20), s => s.ToString());
            await Eventually.UntilAsync("the app's SIGTERM line", _ => Task.FromResult(Text(output)), o => o.Contains("[actors] app: SIGTERM", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), o => o);
            DeactivatedBeforeTerminated(Text(output), "actors", "shutdown-1");

            // Its actor types left placement with it; the other app and its sidecar run on.
            host.Apps.Single(a => a.AppId == "other").State.Should().Be(AppState.Running);
            using var other = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{otherHttp}") };
            using var call = await other.PutAsync("/v1.0/actors/Counter/shutdown-2/method/hit", SidecarFixture.Json("{}"));
            call.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
            (await SidecarFixture.ErrorOf(call)).GetProperty("message").GetString().Should().Contain("did not find address for actor");
        }
    }

    [Fact]
    public async Task Ctrl_C_of_the_devhost_command_deactivates_active_actors_before_the_apps_stop()
    {
        var http = FreeTcpPort.Next();
        var appId = "ctrlc" + Guid.NewGuid().ToString("N")[..8];
        var files = ActorAppFiles(appId);
        files["dapr.yaml"] = "version: 1\napps:\n" + ScriptedApp.RunFileApp(appId, FreeTcpPort.Next(), http);
        await using var folder = TestHost.Create(files);

        // DevHost leads a process group of its own, as in a terminal, so SIGINT to the group is what Ctrl-C sends.
        var psi = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // `env --default-signal=INT`: a test run started in the background of a shell inherits SIGINT ignored (POSIX), and
        // .NET keeps an inherited ignore, so without it Ctrl-C could not reach DevHost however DevHost handled it.
        foreach (var arg in new[] { "env", "--default-signal=INT", Path.Combine(AppContext.BaseDirectory, "DaprPlatform.DevHost"), "--run-file", Path.Combine(folder.Directory, "dapr.yaml"), "--postgres", PostgresDatabase.AdminConnectionString })
        {
            psi.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        using var devhost = new Process { StartInfo = psi };
        devhost.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        devhost.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        devhost.Start();
        devhost.BeginOutputReadLine();
        devhost.BeginErrorReadLine();
        string Output()
        {
            lock (output) { return output.ToString(); }
        }

        try
        {
            await Eventually.UntilAsync("DevHost to run", _ => Task.FromResult(Output()), o => o.Contains("DevHost is running", StringComparison.Ordinal) || devhost.HasExited,
                TimeSpan.FromSeconds(60), o => o);
            devhost.HasExited.Should().BeFalse(Output());
            await ActivateAsync(http, "ctrlc-1");

            using (var kill = Process.Start("kill", ["-s", "INT", "--", $"-{devhost.Id}"]))
            {
                await kill.WaitForExitAsync();
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await FluentActions.Awaiting(() => devhost.WaitForExitAsync(exited.Token))
                .Should().NotThrowAsync("DevHost exits within a minute of Ctrl-C; it printed:\n" + Output());
            devhost.ExitCode.Should().Be(0, Output());
            DeactivatedBeforeTerminated(Output(), appId, "ctrlc-1");
        }
        finally
        {
            if (!devhost.HasExited) { devhost.Kill(entireProcessTree: true); }
            await PostgresDatabase.DropAllWithPrefixAsync(appId);
        }
    }
}
