namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// DevHost running one app "app": a shell that runs <c>prelude</c>, then python's file server (200 on /healthz).
/// <c>configure</c> adjusts the options (stand-ins, timeouts) before the host starts.
/// </summary>
internal sealed class ShellApp : IAsyncDisposable
{
    private readonly TestHost _files;
    private readonly StringWriter _output;

    private ShellApp(TestHost files, PlatformHost host, StringWriter output)
    {
        _files = files;
        Host = host;
        _output = output;
    }

    public PlatformHost Host { get; }

    /// <summary>DevHost writes its lines and the app's output while holding the writer's lock; read under the same lock.</summary>
    public string Output
    {
        get
        {
            lock (_output) { return _output.ToString(); }
        }
    }

    /// <param name="healthChecks">Adds app health checks on GET /healthz (the file app/healthz) to the run file.</param>
    public static async Task<ShellApp> StartAsync(string prelude, Func<DevHostOptions, DevHostOptions>? configure = null, bool healthChecks = false)
    {
        var health = healthChecks ? "\n    enableAppHealthCheck: true\n    appHealthCheckPath: /healthz" : string.Empty;
        var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = $$"""
                version: 1
                apps:
                  - appID: app
                    appDirPath: ./app
                    appPort: {{FreeTcpPort.Next()}}
                    daprHTTPPort: {{FreeTcpPort.Next()}}
                    daprGRPCPort: {{FreeTcpPort.Next()}}
                    command: ["sh", "-c", "{{prelude.Replace("\"", "\\\"", StringComparison.Ordinal)}}; exec python3 -m http.server $APP_PORT --bind 127.0.0.1"]{{health}}
                """,
            ["app/healthz"] = "ok",
        });
        var output = new StringWriter();
        try
        {
            var options = new DevHostOptions
            {
                RunFilePath = Path.Combine(files.Directory, "dapr.yaml"),
                PostgresConnectionString = PostgresDatabase.AdminConnectionString,
                DatabasePrefix = files.Prefix,
                AppStartTimeout = TimeSpan.FromSeconds(30),
                Output = output,
            };
            var host = await PlatformHost.StartAsync(configure is null ? options : configure(options));
            return new ShellApp(files, host, output);
        }
        catch
        {
            await files.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _files.DisposeAsync();
    }
}
