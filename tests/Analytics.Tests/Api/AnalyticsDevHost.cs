using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Analytics.Tests.Api;

/// <summary>
/// The real DevHost serving sidecars only (analytics runs in-process in the test) from a temp run file with a Postgres actor
/// state store; every database it creates carries a unique prefix and is dropped on dispose.
/// </summary>
public sealed class AnalyticsDevHost : IAsyncDisposable
{
    private readonly TemporaryRunFile _runFile;
    private PlatformHost? _host;

    private AnalyticsDevHost(string prefix, TemporaryRunFile runFile)
    {
        Prefix = prefix;
        _runFile = runFile;
    }

    /// <summary>The database prefix; DevHost's own database (broker, reminders) is <c>{Prefix}devhost</c>.</summary>
    public string Prefix { get; }

    public PlatformHost Host => _host ?? throw new InvalidOperationException("DevHost has not been started.");

    /// <summary>Writes the run file and the state store; <paramref name="configure"/> adds components. DevHost starts in <see cref="StartAsync"/>.</summary>
    public static async Task<AnalyticsDevHost> CreateAsync(IReadOnlyList<RunFileApp> apps, Func<TemporaryRunFile, TemporaryRunFile>? configure = null)
    {
        var prefix = "an" + Guid.NewGuid().ToString("N")[..8] + "_";
        var stateDatabase = new PostgresDatabase(prefix + "state");
        await stateDatabase.InitializeAsync();
        var runFile = TemporaryRunFile.Create("analytics-tests-", apps)
            .WithComponent("statestore.yaml", ComponentYaml.PostgresStateStore(stateDatabase.ConnectionString, actorStateStore: true));
        return new AnalyticsDevHost(prefix, configure is null ? runFile : configure(runFile));
    }

    /// <summary>Starts DevHost; the analytics app must already listen, so its actor types and subscriptions are read now.</summary>
    public async Task StartAsync()
    {
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = _runFile.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = Prefix,
            Output = TextWriter.Null,
        });
        await _host.RefreshSubscriptionsAsync(AnalyticsPlatform.AppId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await PostgresDatabase.DropAllWithPrefixAsync(Prefix);
        _runFile.Dispose();
    }
}
