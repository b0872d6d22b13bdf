using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Starts the real platform once for the collection: DevHost reads the repository's dapr.yaml and
/// components/, serves every sidecar on the fixed ports and starts gateway, identity and notifications
/// as processes (they were built by scripts/test.sh).
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string _prefix = $"e2e_{Guid.NewGuid():N}"[..16] + "_";
    private PlatformHost? _host;

    public HttpClient Gateway { get; } = new() { BaseAddress = new Uri("http://127.0.0.1:5000"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The gateway's sidecar, for invocation calls made from outside like any Dapr client.</summary>
    public HttpClient GatewaySidecar { get; } = new() { BaseAddress = new Uri("http://127.0.0.1:3500"), Timeout = TimeSpan.FromSeconds(30) };

    public PlatformHost Host => _host ?? throw new InvalidOperationException("The platform has not started.");

    public async Task InitializeAsync()
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(RepositoryRoot.Path, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            DatabasePrefix = _prefix,
            AppStartTimeout = TimeSpan.FromMinutes(3),
        });
    }

    public async Task<long> CountRowsAsync(string appId, string table)
    {
        await using var connection = new NpgsqlConnection(Host.GetAppConnectionString(appId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        Gateway.Dispose();
        GatewaySidecar.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
            await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
