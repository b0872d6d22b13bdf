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
        // CLI: dotnet run --project tools/DevHost -- [--run-file dapr.yaml] [--apps a,b] [--postgres <connstr>] [--telegram-standin[=port]]
        //      dotnet run --project tools/DevHost -- telegram-standin [--port 8081]   (only the stand-in, e.g. next to `dapr run -f .`)
        const string Usage = "usage: DevHost [--run-file dapr.yaml] [--apps a,b] [--postgres <admin connection string>] [--telegram-standin[=port]]\n"
            + "       DevHost telegram-standin [--port 8081]";
        var standInOnly = args.Length > 0 && args[0] == "telegram-standin";
        var runFile = "dapr.yaml";
        IReadOnlyCollection<string>? apps = null;
        string? postgres = null;
        TelegramStandInOptions? telegram = standInOnly ? new TelegramStandInOptions() : null;
        for (var i = standInOnly ? 1 : 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--run-file" or "-f" when !standInOnly: runFile = Next(); break;
                case "--apps" when !standInOnly: apps = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--postgres" when !standInOnly: postgres = Next(); break;
                case "--telegram-standin" when !standInOnly: telegram = new TelegramStandInOptions(); break;
                case var flag when !standInOnly && flag.StartsWith("--telegram-standin=", StringComparison.Ordinal):
                    if (!TryPort(flag["--telegram-standin=".Length..], out var standInPort)) { return BadPort(flag); }
                    telegram = new TelegramStandInOptions { Port = standInPort };
                    break;
                case "--port" when standInOnly:
                    var value = Next();
                    if (!TryPort(value, out var port)) { return BadPort(value); }
                    telegram = telegram! with { Port = port };
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
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

        if (standInOnly)
        {
            return await ServeStandInAsync(telegram!, shutdown.Token);
        }

        PlatformHost host;
        try
        {
            host = await PlatformHost.StartAsync(new DevHostOptions { RunFilePath = runFile, Apps = apps, PostgresConnectionString = postgres, TelegramStandIn = telegram }, loggerFactory, shutdown.Token);
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

    /// <summary>Only the Telegram stand-in, for apps run by someone else (real `dapr run -f .`).</summary>
    private static async Task<int> ServeStandInAsync(TelegramStandInOptions options, CancellationToken ct)
    {
        Telegram.TelegramStandIn standIn;
        try
        {
            standIn = await Telegram.TelegramStandIn.StartAsync(options, TimeProvider.System, ct);
        }
        catch (DevHostConfigurationException ex)
        {
            Console.Error.WriteLine($"devhost: {ex.Message}");
            return 1;
        }

        await using (standIn)
        {
            Console.WriteLine($"Telegram Bot API stand-in on {standIn.BaseUrl} (state in memory). Give the apps:");
            foreach (var (name, value) in standIn.AppEnvironment) { Console.WriteLine($"  {name}={value}"); }
            Console.WriteLine("Press Ctrl-C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM.
            }
        }

        return 0;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;

    private static int BadPort(string text)
    {
        Console.Error.WriteLine($"'{text}' is not a TCP port (1-65535)");
        return 2;
    }
}
