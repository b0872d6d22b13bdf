using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.EndToEnd.Tests.Browser;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Starts the real platform once for the collection: DevHost reads the repository's dapr.yaml and
/// components/, serves every sidecar on the fixed ports and starts every app of the run file as a process
/// (they were built by scripts/test.sh). Telegram and Stripe are DevHost's stand-ins on <see cref="TelegramStandInPort"/>
/// and <see cref="StripeStandInPort"/>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string _prefix = $"e2e_{Guid.NewGuid():N}"[..16] + "_";
    private PlatformHost? _host;
    private StreamWriter? _appOutput;

    public const int TelegramStandInPort = 8081;

    public const int StripeStandInPort = 12111;

    /// <summary>The workflows app's payout period here: short, so a period ends within a test (the minimum it accepts is 10 s).</summary>
    public static readonly TimeSpan PayoutPeriod = TimeSpan.FromSeconds(20);

    /// <summary>The dunning saga's grace after a failed renewal here (one reminder at once), so a downgrade happens within a test.</summary>
    public static readonly TimeSpan DunningGracePeriod = TimeSpan.FromSeconds(15);

    /// <summary>Notifications' grace before telling of an unread message in this run (short, so a test sees it pass).</summary>
    public static readonly TimeSpan MessageGracePeriod = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often notifications looks for notices whose grace has passed in this run (production: 5 s). Shorter, so the tests
    /// that wait for a pass, or for two passes to have told nothing more, wait less; still well above the time a test takes to
    /// send a burst of messages that must fall within one interval (MessageNoticeJourneyTests).
    /// </summary>
    public static readonly TimeSpan MessageNoticePollInterval = TimeSpan.FromSeconds(2);

    public HttpClient Gateway { get; } = new() { BaseAddress = new Uri("http://127.0.0.1:5000"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The web front end as a person's browser reaches it (<c>localhost</c>: a secure context, so its secure cookie is kept).</summary>
    public static Uri Web { get; } = new("http://localhost:5009");

    /// <summary>Chromium driven by Playwright, started when a browser test first asks for it.</summary>
    public WebBrowser Browser { get; } = new();

    /// <summary>The gateway's sidecar, for invocation calls made from outside like any Dapr client.</summary>
    public HttpClient GatewaySidecar { get; } = new() { BaseAddress = new Uri("http://127.0.0.1:3500"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The workflows app's sidecar, for reading saga instances (<see cref="WorkflowInstances"/>), also while the app is down.</summary>
    public HttpClient WorkflowsSidecar { get; } = new() { BaseAddress = new Uri("http://127.0.0.1:3508"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The Telegram stand-in's control API (/standin/...).</summary>
    public HttpClient TelegramStandIn { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{TelegramStandInPort}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The Stripe stand-in: Stripe's API plus its control API (/standin/...).</summary>
    public HttpClient StripeStandIn { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{StripeStandInPort}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What the apps wrote (prefixed with their app id) during this run.</summary>
    public static string AppOutputPath { get; } = Path.Combine(AppContext.BaseDirectory, "platform-output.log");

    public PlatformHost Host => _host ?? throw new InvalidOperationException("The platform has not started.");

    public async Task InitializeAsync()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        // Every app's output, for reading after a failure (the browser journeys name this file in their failure message).
        _appOutput = new StreamWriter(AppOutputPath, append: false) { AutoFlush = true };
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(RepositoryRoot.Path, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = _prefix,
            AppStartTimeout = TimeSpan.FromMinutes(3),
            Output = TextWriter.Synchronized(_appOutput),
            TelegramStandIn = new TelegramStandInOptions { Port = TelegramStandInPort },
            StripeStandIn = new StripeStandInOptions { Port = StripeStandInPort },
            // One test client polls sagas for many users at once; the per-client limit itself is tested in Gateway.Tests.
            AppEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["gateway"] = new Dictionary<string, string> { ["Gateway__RateLimit__PermitLimit"] = "100000" },
                // Every browser test signs in from 127.0.0.1; the sign-in limit itself is tested in Web.Tests.
                ["web"] = new Dictionary<string, string> { ["Web__SignInRateLimit__PermitLimit"] = "100000" },
                // Short payout periods, so a payout period runs within a test (PayoutJourneyTests).
                // Short dunning grace too (SubscriptionLifecycleJourneyTests).
                ["workflows"] = new Dictionary<string, string>
                {
                    ["Payouts__Period"] = PayoutPeriod.ToString("c", CultureInfo.InvariantCulture),
                    ["Dunning__GracePeriod"] = DunningGracePeriod.ToString("c", CultureInfo.InvariantCulture),
                    ["Dunning__Reminders__0"] = "00:00:00",
                },
                ["notifications"] = new Dictionary<string, string> { ["Notifications__MessageGracePeriod"] = MessageGracePeriod.ToString("c", CultureInfo.InvariantCulture), ["Notifications__MessageNoticePollInterval"] = MessageNoticePollInterval.ToString("c", CultureInfo.InvariantCulture) },
            },
        });
    }

    /// <summary>
    /// Starts a stopped app through DevHost (<see cref="PlatformHost.StartAppAsync"/>) and returns once its sidecar counts it
    /// healthy after the probe DevHost sends as the app's port opens (<see cref="UntilHealthyAfterFirstProbeAsync"/>).
    /// </summary>
    public async Task StartAppAsync(string appId, IReadOnlyDictionary<string, string>? environment = null)
    {
        await Host.StartAppAsync(appId, environment);
        await UntilHealthyAfterFirstProbeAsync(appId);
    }

    /// <summary>Restarts an app through DevHost (<see cref="PlatformHost.RestartAppAsync"/>), returning as <see cref="StartAppAsync"/> does.</summary>
    public async Task RestartAppAsync(string appId, IReadOnlyDictionary<string, string>? environment = null)
    {
        await Host.RestartAppAsync(appId, environment);
        await UntilHealthyAfterFirstProbeAsync(appId);
    }

    /// <summary>
    /// DevHost's start returns on the app's last known health, as its sidecar keeps it across the app's restarts: failed probes
    /// below the threshold stay counted (as in daprd, a passing probe does not reset them), so the first probe of the new process,
    /// sent as its port opens, may time out while it is still starting and turn it unhealthy just after the start returned —
    /// until the next probe, 5 s later, and the next test meets invocations refused. That probe has answered or timed out
    /// (appHealthProbeTimeout) by the end of this wait.
    /// </summary>
    private async Task UntilHealthyAfterFirstProbeAsync(string appId)
    {
        await Task.Delay(DevHost.Configuration.AppHealthCheck.DefaultProbeTimeout);
        await Eventually.UntilAsync($"{appId} to be healthy after its start", _ => Task.FromResult(Host.Apps.Single(a => a.AppId == appId).State),
            state => state == AppState.Running, TimeSpan.FromSeconds(30), state => state.ToString());
    }

    public async Task<long> CountRowsAsync(string appId, string table)
    {
        await using var connection = new NpgsqlConnection(Host.GetAppConnectionString(appId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A call with a bearer token and an optional JSON body, through the gateway or any sidecar client.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string accessToken, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null) { request.Content = JsonContent.Create(body); }
        return await client.SendAsync(request);
    }

    /// <summary>The password of every user <see cref="RegisterAndLogInAsync"/> registers.</summary>
    public const string JourneyPassword = "correct horse battery staple";

    /// <summary>
    /// Registers a new user with <paramref name="role"/> through the gateway (a fresh address unless <paramref name="email"/>
    /// names one) and logs in; returns the user id and access token.
    /// </summary>
    public async Task<(Guid UserId, string AccessToken)> RegisterAndLogInAsync(string role, string? email = null)
    {
        email ??= $"{role}.{Guid.NewGuid():N}@example.com";
        const string password = JourneyPassword;
        var register = await Gateway.PostAsJsonAsync("/api/auth/register", new { email, password, displayName = "Journey User", role });
        register.StatusCode.Should().Be(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        var userId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var login = await Gateway.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (userId, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Gateway.Dispose();
        TelegramStandIn.Dispose();
        StripeStandIn.Dispose();
        GatewaySidecar.Dispose();
        WorkflowsSidecar.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
            await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        }

        if (_appOutput is not null)
        {
            await _appOutput.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
