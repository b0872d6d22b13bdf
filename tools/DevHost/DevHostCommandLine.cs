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
        // CLI: dotnet run --project tools/DevHost -- [--run-file dapr.yaml] [--apps a,b] [--postgres <connstr>] [--telegram-standin[=port]] [--stripe-standin[=port]] [--stripe-standin-port <port>]
        //      dotnet run --project tools/DevHost -- telegram-standin [--port 8081]   (only the stand-in, e.g. next to `dapr run -f .`)
        //      dotnet run --project tools/DevHost -- stripe-standin [--port 12111] [--webhook-url <url>]
        const string Usage = "usage: DevHost [--run-file dapr.yaml] [--apps a,b] [--postgres <admin connection string>] [--telegram-standin[=port]] [--stripe-standin[=port]] [--stripe-standin-port <port>]\n"
            + "       DevHost telegram-standin [--port 8081]\n"
            + "       DevHost stripe-standin [--port 12111] [--webhook-url http://127.0.0.1:5000/api/payments/webhooks/stripe]";
        var stripeOnly = args.Length > 0 && args[0] == "stripe-standin";
        var standInOnly = (args.Length > 0 && args[0] == "telegram-standin") || stripeOnly;
        var runFile = "dapr.yaml";
        IReadOnlyCollection<string>? apps = null;
        string? postgres = null;
        TelegramStandInOptions? telegram = standInOnly && !stripeOnly ? new TelegramStandInOptions() : null;
        StripeStandInOptions? stripe = stripeOnly ? new StripeStandInOptions() : null;
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
                case "--stripe-standin" when !standInOnly: stripe ??= new StripeStandInOptions(); break;
                case var flag when !standInOnly && flag.StartsWith("--stripe-standin=", StringComparison.Ordinal):
                    if (!TryPort(flag["--stripe-standin=".Length..], out var stripePort)) { return BadPort(flag); }
                    stripe = (stripe ?? new StripeStandInOptions()) with { Port = stripePort };
                    break;
                case "--stripe-standin-port" when !standInOnly:
                    var stripePortText = Next();
                    if (!TryPort(stripePortText, out var chosenStripePort)) { return BadPort(stripePortText); }
                    stripe = (stripe ?? new StripeStandInOptions()) with { Port = chosenStripePort };
                    break;
                case "--webhook-url" when stripeOnly:
                    var webhookUrl = Next();
                    if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var webhook) || webhook.Scheme is not ("http" or "https"))
                    {
                        Console.Error.WriteLine($"'{webhookUrl}' is not an absolute http(s) URL");
                        return 2;
                    }

                    stripe = stripe! with { WebhookUrl = webhook };
                    break;
                case "--port" when standInOnly:
                    var value = Next();
                    if (!TryPort(value, out var port)) { return BadPort(value); }
                    if (stripeOnly) { stripe = stripe! with { Port = port }; }
                    else { telegram = telegram! with { Port = port }; }
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

        if (stripeOnly)
        {
            return await ServeStripeStandInAsync(stripe!, shutdown.Token);
        }

        if (standInOnly)
        {
            return await ServeStandInAsync(telegram!, shutdown.Token);
        }

        PlatformHost host;
        try
        {
            host = await PlatformHost.StartAsync(new DevHostOptions { RunFilePath = runFile, Apps = apps, PostgresConnectionString = postgres, TelegramStandIn = telegram, StripeStandIn = stripe }, loggerFactory, shutdown.Token);
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
    private static Task<int> ServeStandInAsync(TelegramStandInOptions options, CancellationToken ct) =>
        ServeAloneAsync(
            () => Telegram.TelegramStandIn.StartAsync(options, TimeProvider.System, ct),
            standIn => $"Telegram Bot API stand-in on {standIn.BaseUrl} (state in memory).",
            standIn => standIn.AppEnvironment,
            ct);

    /// <summary>Only the Stripe stand-in, for apps run by someone else (real `dapr run -f .`); webhooks only with --webhook-url.</summary>
    private static Task<int> ServeStripeStandInAsync(StripeStandInOptions options, CancellationToken ct) =>
        ServeAloneAsync(
            () => Stripe.StripeStandIn.StartAsync(options, TimeProvider.System, ct),
            standIn => $"Stripe API stand-in (test mode) on {standIn.BaseUrl}, "
                + (options.WebhookUrl is { } url ? $"signed webhooks to {url}" : "no webhooks (give --webhook-url)") + "; state in memory.",
            standIn => standIn.AppEnvironment,
            ct);

    /// <summary>Serves one stand-in until Ctrl-C or SIGTERM, after printing what it is and the settings the apps need.</summary>
    private static async Task<int> ServeAloneAsync<TStandIn>(
        Func<Task<TStandIn>> start, Func<TStandIn, string> describe, Func<TStandIn, IReadOnlyDictionary<string, string>> appEnvironment, CancellationToken ct)
        where TStandIn : IAsyncDisposable
    {
        TStandIn standIn;
        try
        {
            standIn = await start();
        }
        catch (DevHostConfigurationException ex)
        {
            Console.Error.WriteLine($"devhost: {ex.Message}");
            return 1;
        }

        await using (standIn)
        {
            Console.WriteLine($"{describe(standIn)} Give the apps:");
            foreach (var (name, value) in appEnvironment(standIn)) { Console.WriteLine($"  {name}={value}"); }
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
