using System.Diagnostics;

namespace DaprPlatform.DevHost.Tests;

/// <summary>DevHost starts a real child process with the environment `dapr run` gives and stops it cleanly.</summary>
public sealed class ProcessTests
{
    private sealed class LineWriter : StringWriter
    {
        public override void WriteLine(string? value)
        {
            lock (this) { base.WriteLine(value); }
        }

        public string Text
        {
            get
            {
                lock (this) { return ToString(); }
            }
        }
    }

    [Fact]
    public async Task Starts_the_app_with_dapr_run_environment_prefixes_its_logs_waits_for_its_port_and_stops_it()
    {
        var appPort = FreeTcpPort.Next();
        var httpPort = FreeTcpPort.Next();
        var grpcPort = FreeTcpPort.Next();
        await using var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = $$"""
                version: 1
                apps:
                  - appID: proc
                    appDirPath: ./proc
                    appPort: {{appPort}}
                    daprHTTPPort: {{httpPort}}
                    daprGRPCPort: {{grpcPort}}
                    env:
                      GREETING: hi
                    command: ["sh", "-c", "echo \"env APP_ID=$APP_ID APP_PORT=$APP_PORT DAPR_HTTP_PORT=$DAPR_HTTP_PORT DAPR_GRPC_PORT=$DAPR_GRPC_PORT GREETING=$GREETING CS=$ConnectionStrings__proc\"; python3 -m http.server $APP_PORT --bind 127.0.0.1"]
                """,
            // python's file server answers 200 on /healthz because the file exists (invoked below).
            ["proc/healthz"] = "ok",
        });
        var output = new LineWriter();
        var host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(files.Directory, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = files.Prefix,
            AppStartTimeout = TimeSpan.FromSeconds(30),
            Output = output,
        });
        int pid;
        try
        {
            var status = host.Apps.Should().ContainSingle().Subject;
            status.State.Should().Be(AppState.Running);
            status.Pid.Should().NotBeNull();
            (status.AppPort, status.HttpPort, status.GrpcPort).Should().Be((appPort, httpPort, grpcPort));
            pid = status.Pid!.Value;

            // dapr run environment: APP_ID, APP_PORT, DAPR_HTTP_PORT, DAPR_GRPC_PORT, run-file env, plus the app's own database.
            var text = output.Text;
            text.Should().Contain($"[proc] env APP_ID=proc APP_PORT={appPort} DAPR_HTTP_PORT={httpPort} DAPR_GRPC_PORT={grpcPort} GREETING=hi CS=");
            text.Should().Contain($"Database={files.Prefix}proc");
            host.GetAppConnectionString("proc").Should().Contain($"Database={files.Prefix}proc");
            text.Should().Contain("APP").And.Contain("STATE");

            // Invocation through the sidecar reaches the real process.
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            (await client.GetAsync("/v1.0/invoke/proc/method/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
            var metadata = JsonDocument.Parse(await client.GetStringAsync("/v1.0/metadata")).RootElement;
            metadata.GetProperty("extended").GetProperty("appPID").GetString().Should().Be(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // Clean stop: the process is gone and the sidecar no longer listens.
        var gone = () => Process.GetProcessById(pid).HasExited;
        try { gone().Should().BeTrue(); } catch (ArgumentException) { /* no such process: gone */ }
        using var after = new HttpClient();
        await FluentActions.Awaiting(() => after.GetAsync($"http://127.0.0.1:{httpPort}/v1.0/healthz")).Should().ThrowAsync<HttpRequestException>();

        // The whole tree is stopped: the python server started by the shell no longer listens either.
        await FluentActions.Awaiting(() => after.GetAsync($"http://127.0.0.1:{appPort}/healthz")).Should().ThrowAsync<HttpRequestException>();
    }
}
