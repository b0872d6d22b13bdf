namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// The Stripe stand-in is selected by configuration alone: with <see cref="DevHostOptions.StripeStandIn"/> set, apps get
/// Stripe__BaseUrl, Stripe__SecretKey and Stripe__WebhookSecret, and webhooks go to the public edge (the gateway) when the
/// run file has one, else to the payments app.
/// </summary>
public sealed class StripeStandInPlatformTests
{
    private const string PrintStripeSettings = "echo \\\"stripe [${Stripe__BaseUrl:-unset}] [${Stripe__SecretKey:-unset}] [${Stripe__WebhookSecret:-unset}]\\\"; exec sleep 600";

    [Fact]
    public async Task Apps_get_the_stand_in_settings_and_webhooks_go_to_the_gateway()
    {
        var gatewayPort = FreeTcpPort.Next();
        var standInPort = FreeTcpPort.Next();
        // The gateway is only named (not started): its appPort decides where Stripe's webhooks go.
        await using var run = await DevHostRun.StartAsync(
            [$"  - appID: gateway\n    appDirPath: ./gateway\n    appPort: {gatewayPort}\n" + Ports() + "    command: [\"true\"]\n", PrintingApp("payments")],
            new StripeStandInOptions { Port = standInPort },
            ["payments"]);

        var line = await run.WaitForLineAsync("[payments] stripe ");
        line.Should().Be($"[payments] stripe [http://127.0.0.1:{standInPort}] [{StripeStandInOptions.DefaultSecretKey}] [{StripeStandInOptions.DefaultWebhookSecret}]");
        var standIn = run.Host.StripeStandIn!;
        standIn.Options.WebhookUrl.Should().Be(new Uri($"http://127.0.0.1:{gatewayPort}/api/payments/webhooks/stripe"));
        run.Output.Should().Contain($"signed webhooks → http://127.0.0.1:{gatewayPort}/api/payments/webhooks/stripe");

        // The settings lead to a working API: what an app would call with them.
        using var client = new HttpClient { BaseAddress = standIn.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeStandInOptions.DefaultSecretKey);
        using var response = await client.PostAsync("/v1/customers", new FormUrlEncodedContent([new("email", "a@example.test")]));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_gateway_webhooks_go_to_the_payments_app_and_without_either_nowhere()
    {
        var paymentsPort = FreeTcpPort.Next();
        await using (var withPayments = await DevHostRun.StartAsync(
            [$"  - appID: payments\n    appDirPath: ./payments\n    appPort: {paymentsPort}\n" + Ports() + "    command: [\"true\"]\n"],
            new StripeStandInOptions { Port = FreeTcpPort.Next() },
            startApps: false))
        {
            withPayments.Host.StripeStandIn!.Options.WebhookUrl.Should().Be(new Uri($"http://127.0.0.1:{paymentsPort}/api/payments/webhooks/stripe"));
        }

        await using var neither = await DevHostRun.StartAsync(
            ["  - appID: other\n    appDirPath: ./other\n" + Ports() + "    command: [\"true\"]\n"],
            new StripeStandInOptions { Port = FreeTcpPort.Next() },
            startApps: false);
        neither.Host.StripeStandIn!.Options.WebhookUrl.Should().BeNull();
        neither.Output.Should().Contain("no webhooks");
    }

    [Fact]
    public async Task An_explicit_webhook_url_wins_over_the_run_file()
    {
        var url = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/elsewhere");
        await using var run = await DevHostRun.StartAsync(
            [$"  - appID: gateway\n    appDirPath: ./gateway\n    appPort: {FreeTcpPort.Next()}\n" + Ports() + "    command: [\"true\"]\n"],
            new StripeStandInOptions { Port = FreeTcpPort.Next(), WebhookUrl = url },
            startApps: false);

        run.Host.StripeStandIn!.Options.WebhookUrl.Should().Be(url);
    }

    [Fact]
    public async Task Without_the_option_no_stand_in_runs_and_apps_get_no_stripe_settings()
    {
        await using var run = await DevHostRun.StartAsync([PrintingApp("payments")], stripe: null);

        (await run.WaitForLineAsync("[payments] stripe ")).Should().Be("[payments] stripe [unset] [unset] [unset]");
        run.Host.StripeStandIn.Should().BeNull();
        run.Output.Should().NotContain("stripe →");
    }

    private static string Ports() => $"    daprHTTPPort: {FreeTcpPort.Next()}\n    daprGRPCPort: {FreeTcpPort.Next()}\n";

    /// <summary>An app without appPort (no health check to wait for) that prints its Stripe settings and stays up.</summary>
    private static string PrintingApp(string appId) =>
        $"  - appID: {appId}\n    appDirPath: ./{appId}\n" + Ports() + $"    command: [\"sh\", \"-c\", \"{PrintStripeSettings}\"]\n";

    /// <summary>A DevHost on a throw-away run file, its console output captured.</summary>
    private sealed class DevHostRun(TestHost files, PlatformHost host, StringWriter console) : IAsyncDisposable
    {
        public PlatformHost Host { get; } = host;

        /// <summary>DevHost writes while holding the writer's lock; read under it too.</summary>
        public string Output
        {
            get
            {
                lock (console) { return console.ToString(); }
            }
        }

        public static async Task<DevHostRun> StartAsync(IReadOnlyList<string> apps, StripeStandInOptions? stripe, IReadOnlyCollection<string>? only = null, bool startApps = true)
        {
            var layout = new Dictionary<string, string> { ["dapr.yaml"] = "version: 1\napps:\n" + string.Concat(apps) };
            foreach (var app in apps) { layout[$"{app.Split("appID: ")[1].Split('\n')[0]}/.keep"] = ""; }
            var folder = TestHost.Create(layout);
            var console = new StringWriter();
            var options = new DevHostOptions
            {
                RunFilePath = Path.Combine(folder.Directory, "dapr.yaml"),
                StripeStandIn = stripe,
                StartApps = startApps,
                Apps = only,
                Output = console,
                DatabasePrefix = folder.Prefix,
                PostgresConnectionString = PostgresDatabase.AdminConnectionString,
                AppStartTimeout = TimeSpan.FromSeconds(30),
            };
            PlatformHost started;
            try
            {
                started = await PlatformHost.StartAsync(options);
            }
            catch
            {
                await folder.DisposeAsync();
                throw;
            }

            return new DevHostRun(folder, started, console);
        }

        public async Task<string> WaitForLineAsync(string prefix) => (await Eventually.UntilAsync(
            $"a line starting with '{prefix}'",
            _ => Task.FromResult(Output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))),
            line => line is not null,
            TimeSpan.FromSeconds(20),
            _ => Output))!;

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await files.DisposeAsync();
        }
    }
}
