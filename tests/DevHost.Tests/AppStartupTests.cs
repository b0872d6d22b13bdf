namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// How DevHost brings an app up, as daprd does (pkg/runtime/runtime.go): it waits for the app port to accept a TCP
/// connection (blockUntilAppIsReady, with no time limit), then reads GET /dapr/config and GET /dapr/subscribe; it probes
/// GET /healthz only with enableAppHealthCheck (pkg/apphealth), and then only a passing probe completes the start, while
/// failing probes stop deliveries and make the app channel refuse calls. One app's trouble never takes another down.
/// </summary>
public sealed class AppStartupTests
{
    private sealed class Run(TestHost files, StringWriter output) : IAsyncDisposable
    {
        public TestHost Files => files;

        public PlatformHost Host => files.Host!;

        public string Output
        {
            get
            {
                lock (output) { return output.ToString(); }
            }
        }

        public AppState State(string appId) => Host.Apps.Single(a => a.AppId == appId).State;

        public ValueTask DisposeAsync() => files.DisposeAsync();
    }

    /// <summary>Starts DevHost on <paramref name="apps"/> (run file app entries); every app folder gets the scripted app.</summary>
    private static async Task<Run> StartAsync(TimeSpan appStartTimeout, string[] appIds, string apps, IReadOnlyDictionary<string, string>? files = null)
    {
        var all = new Dictionary<string, string>
        {
            ["dapr.yaml"] = "version: 1\ncommon:\n  resourcesPaths: [./components]\napps:\n" + apps,
            ["components/pubsub.yaml"] = Yaml.PubSub,
        };
        foreach (var appId in appIds) { all[$"{appId}/{ScriptedApp.FileName}"] = ScriptedApp.Script; }
        foreach (var (path, content) in files ?? new Dictionary<string, string>()) { all[path] = content; }
        var testHost = TestHost.Create(all);
        var output = new StringWriter();
        try
        {
            await testHost.StartAsync(startApps: true, output, appStartTimeout);
            return new Run(testHost, output);
        }
        catch
        {
            await testHost.DisposeAsync();
            throw;
        }
    }

    private static Task UntilAsync(string what, Func<bool> done, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(what, _ => Task.FromResult(done()), ok => ok, timeout ?? TimeSpan.FromSeconds(20), ok => ok.ToString());

    [Fact]
    public async Task An_app_that_exits_before_it_is_ready_is_reported_on_one_line_and_the_others_keep_running()
    {
        int diesPort = FreeTcpPort.Next(), fineHttp = FreeTcpPort.Next();
        await using var run = await StartAsync(TimeSpan.FromSeconds(30), ["fine"], $$"""
              - appID: dies
                appDirPath: ./dies
                appPort: {{diesPort}}
                daprHTTPPort: {{FreeTcpPort.Next()}}
                daprGRPCPort: {{FreeTcpPort.Next()}}
                command: ["sh", "-c", "echo bye; exit 3"]
            {{ScriptedApp.RunFileApp("fine", FreeTcpPort.Next(), fineHttp)}}
            """, new Dictionary<string, string> { ["dies/.keep"] = "" });

        run.State("dies").Should().Be(AppState.Exited);
        run.State("fine").Should().Be(AppState.Running);
        run.Output.Should().Contain("[dies] exited with code 3 before it was ready; the other apps keep running");
        run.Output.Should().NotContain("   at ", "a stuck or dead app is one line, not a stack trace");

        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fineHttp}") };
        (await sidecar.GetAsync("/v1.0/invoke/fine/method/ping")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_app_whose_port_opens_late_is_reported_after_AppStartTimeout_and_made_ready_when_it_opens()
    {
        int latePort = FreeTcpPort.Next(), lateHttp = FreeTcpPort.Next();
        var started = TimeProvider.System.GetTimestamp();
        await using var run = await StartAsync(TimeSpan.FromSeconds(2), ["late", "fine"], $$"""
              - appID: late
                appDirPath: ./late
                appPort: {{latePort}}
                daprHTTPPort: {{lateHttp}}
                daprGRPCPort: {{FreeTcpPort.Next()}}
                command: ["sh", "-c", "sleep 4; exec python3 -u {{ScriptedApp.FileName}}"]
            {{ScriptedApp.RunFileApp("fine", FreeTcpPort.Next(), FreeTcpPort.Next())}}
            """, new Dictionary<string, string> { ["late/dapr-subscribe.json"] = """[{"pubsubName":"pubsub","topic":"late-topic","route":"/late"}]""" });

        // StartAsync returned after AppStartTimeout, not after the slow app: daprd would go on waiting, and so does DevHost.
        TimeProvider.System.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(4));
        run.State("late").Should().Be(AppState.Starting);
        run.State("fine").Should().Be(AppState.Running);
        run.Output.Should().Contain($"[late] not ready after 2 s: nothing accepts connections on its appPort {latePort} yet; DevHost keeps waiting for it");

        await UntilAsync("the late app to be ready", () => run.State("late") == AppState.Running);
        run.Output.Should().Contain("[late] ready after all (Running)");
        run.Output.Should().Contain("[late] app: GET /dapr/subscribe", "its subscriptions are read once it listens");
        using var sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{lateHttp}") };
        var subscriptions = JsonDocument.Parse(await sidecar.GetStringAsync("/v1.0/metadata")).RootElement.GetProperty("subscriptions");
        subscriptions.EnumerateArray().Select(s => s.GetProperty("topic").GetString()).Should().Equal("late-topic");
    }

    [Fact]
    public async Task Without_health_checks_an_app_is_ready_once_its_port_is_open_whatever_its_healthz_answers()
    {
        // No file "healthy": GET /healthz answers 503, which daprd never asks about without enableAppHealthCheck.
        await using var run = await StartAsync(TimeSpan.FromSeconds(20), ["plain"], ScriptedApp.RunFileApp("plain", FreeTcpPort.Next(), FreeTcpPort.Next()));

        run.State("plain").Should().Be(AppState.Running);
        run.Output.Should().NotContain("[plain] app: GET /healthz");
        run.Output.Should().Contain("[plain] app: GET /dapr/config").And.Contain("[plain] app: GET /dapr/subscribe");
    }

    [Fact]
    public async Task With_health_checks_only_a_passing_probe_completes_the_start_and_an_unhealthy_app_gets_no_deliveries_or_calls()
    {
        int sickHttp = FreeTcpPort.Next(), fineHttp = FreeTcpPort.Next();
        const string Health = "    enableAppHealthCheck: true\n    appHealthProbeInterval: 1\n    appHealthProbeTimeout: 500\n    appHealthThreshold: 1\n";
        await using var run = await StartAsync(TimeSpan.FromSeconds(3), ["sick", "fine"],
            ScriptedApp.RunFileApp("sick", FreeTcpPort.Next(), sickHttp, Health) + ScriptedApp.RunFileApp("fine", FreeTcpPort.Next(), fineHttp),
            new Dictionary<string, string> { ["sick/dapr-subscribe.json"] = """[{"pubsubname":"pubsub","topic":"checked","route":"/checked"}]""" });
        using var fine = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fineHttp}") };
        var healthy = Path.Combine(run.Files.Directory, "sick", "healthy");

        // The port is open but GET /healthz answers 503: not ready, subscriptions not read, calls refused by its app channel.
        run.State("sick").Should().Be(AppState.Starting);
        run.State("fine").Should().Be(AppState.Running);
        run.Output.Should().Contain("[sick] not ready after 3 s: its health check GET /healthz has not passed yet (Health check failed with status code: 503)");
        run.Output.Should().NotContain("[sick] app: GET /dapr/subscribe");
        await ExpectRefusedAsync(fine);
        (await fine.PostAsync("/v1.0/publish/pubsub/checked", SidecarFixture.Json("""{"n":1}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // The first passing probe completes the start: config and subscriptions are read and the waiting message delivered.
        await File.WriteAllTextAsync(healthy, "");
        await UntilAsync("the first delivery", () => run.Output.Contains("[sick] app: POST /checked", StringComparison.Ordinal));
        run.State("sick").Should().Be(AppState.Running);
        run.Output.Should().Contain("[sick] app entered healthy status");
        (await fine.GetAsync("/v1.0/invoke/sick/method/ping")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Failing again (threshold 1): deliveries stop and calls are refused until it passes again.
        File.Delete(healthy);
        await UntilAsync("the app to turn unhealthy", () => run.State("sick") == AppState.Unhealthy);
        run.Output.Should().Contain("[sick] app entered un-healthy status (Health check failed with status code: 503)");
        await ExpectRefusedAsync(fine);
        (await fine.PostAsync("/v1.0/publish/pubsub/checked", SidecarFixture.Json("""{"n":2}"""))).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Deliveries(run).Should().Be(1, "an unhealthy app gets no deliveries");

        await File.WriteAllTextAsync(healthy, "");
        await UntilAsync("the second delivery", () => Deliveries(run) == 2);
        run.State("sick").Should().Be(AppState.Running);
    }

    private static int Deliveries(Run run) => run.Output.Split('\n').Count(l => l.Contains("[sick] app: POST /checked", StringComparison.Ordinal));

    private static async Task ExpectRefusedAsync(HttpClient caller)
    {
        using var refused = await caller.GetAsync("/v1.0/invoke/sick/method/ping");
        refused.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var error = await SidecarFixture.ErrorOf(refused);
        error.GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
        error.GetProperty("message").GetString().Should().EndWith("app is not in a healthy state");
    }
}
