namespace DaprPlatform.DevHost;

/// <summary>
/// The DevHost command line. An explicit entry point instead of top-level statements: the Web SDK would make a
/// top-level <c>Program</c> public, and it would clash with each service's <c>Program</c> in test projects that
/// reference both (WebApplicationFactory&lt;Program&gt;).
/// </summary>
internal static class DevHostCommandLine
{
    public static async Task<int> Main(string[] args)
    {
        // CLI: dotnet run --project tools/DevHost -- [--run-file dapr.yaml] [--apps a,b] [--postgres <connstr>]
        var runFile = "dapr.yaml";
        IReadOnlyCollection<string>? apps = null;
        string? postgres = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--run-file" or "-f": runFile = Next(); break;
                case "--apps": apps = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--postgres": postgres = Next(); break;
                case "--help" or "-h":
                    Console.WriteLine("usage: DevHost [--run-file dapr.yaml] [--apps a,b] [--postgres <admin connection string>]");
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}' (try --help)");
                    return 2;
            }
        }

        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning));
        using var shutdown = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            shutdown.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            shutdown.Cancel();
        });

        PlatformHost host;
        try
        {
            host = await PlatformHost.StartAsync(new DevHostOptions { RunFilePath = runFile, Apps = apps, PostgresConnectionString = postgres }, loggerFactory, shutdown.Token);
        }
        catch (DevHostConfigurationException ex)
        {
            Console.Error.WriteLine($"devhost: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }

        Console.WriteLine("DevHost is running; press Ctrl-C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM.
        }

        Console.WriteLine("Stopping…");
        await host.DisposeAsync();
        return 0;
    }
}
