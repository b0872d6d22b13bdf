extern alias devhost;

using System.Globalization;
using System.Text;
using devhost::DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.Identity.Tests.Outbox;

/// <summary>One app of the temp run file: its sidecar's HTTP port and, for apps that receive events, its app port.</summary>
public sealed record SidecarApp(string AppId, int DaprHttpPort, int? AppPort = null);

/// <summary>What DevHost's broker holds for one topic and one subscribing app.</summary>
/// <param name="Published">Messages published to the topic.</param>
/// <param name="Settled">Of the subscriber's copies, those no longer pending (delivered, dropped, dead-lettered or expired).</param>
/// <param name="Delivered">Of the subscriber's copies, those the app acknowledged.</param>
public sealed record BrokerTally(long Published, long Settled, long Delivered);

/// <summary>
/// The real DevHost serving sidecars only (the apps run in-process in the test) from a temp run file with one
/// pubsub component and a resiliency policy that retries inbound deliveries quickly. Every database it creates
/// carries a unique prefix and is dropped on dispose.
/// </summary>
public sealed class StandInSidecars : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "identity-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly string _prefix = "ob" + Guid.NewGuid().ToString("N")[..8] + "_";
    private readonly StringWriter _output = new(CultureInfo.InvariantCulture);
    private PlatformHost? _host;

    private StandInSidecars()
    {
    }

    /// <summary>DevHost's component lines and status table, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<StandInSidecars> StartAsync(string pubsubName, IReadOnlyList<SidecarApp> apps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var sidecars = new StandInSidecars();
        try
        {
            await sidecars.WriteRunFileAsync(pubsubName, apps, ct);
            sidecars._host = await PlatformHost.StartAsync(
                new DevHostOptions
                {
                    RunFilePath = Path.Combine(sidecars._directory, "dapr.yaml"),
                    PostgresConnectionString = PostgresDatabase.AdminConnectionString,
                    StartApps = false,
                    DatabasePrefix = sidecars._prefix,
                    Output = TextWriter.Synchronized(sidecars._output),
                },
                ct: ct);
            return sidecars;
        }
        catch
        {
            await sidecars.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads DevHost's broker tables: PlatformHost offers no API telling whether a message is still pending for an app,
    /// and "delivered exactly once" can only be asserted once nothing is left to redeliver.
    /// </summary>
    public async Task<BrokerTally> TallyAsync(string pubsubName, string topic, string subscriberAppId, CancellationToken ct = default)
    {
        var devhostDatabase = new NpgsqlConnectionStringBuilder(PostgresDatabase.AdminConnectionString) { Database = _prefix + "devhost" };
        await using var connection = new NpgsqlConnection(devhostDatabase.ConnectionString);
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand(
            """
            SELECT
                (SELECT count(*) FROM devhost_messages WHERE pubsub = @pubsub AND topic = @topic),
                (SELECT count(*) FROM devhost_deliveries WHERE pubsub = @pubsub AND topic = @topic AND subscriber = @subscriber AND state <> 'pending'),
                (SELECT count(*) FROM devhost_deliveries WHERE pubsub = @pubsub AND topic = @topic AND subscriber = @subscriber AND state = 'delivered')
            """,
            connection);
        query.Parameters.AddWithValue("pubsub", pubsubName);
        query.Parameters.AddWithValue("topic", topic);
        query.Parameters.AddWithValue("subscriber", subscriberAppId);
        await using var reader = await query.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BrokerTally(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await DropDatabasesAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Start failed before the run file was written.
        }
        catch (IOException)
        {
            // Temp files only; a leftover folder is harmless.
        }

        await _output.DisposeAsync();
    }

    private async Task WriteRunFileAsync(string pubsubName, IReadOnlyList<SidecarApp> apps, CancellationToken ct)
    {
        var components = Path.Combine(_directory, "components");
        Directory.CreateDirectory(components);
        var runFile = new StringBuilder("version: 1\napps:\n");
        foreach (var app in apps)
        {
            runFile.Append(CultureInfo.InvariantCulture, $"  - appID: {app.AppId}\n")
                .Append("    appDirPath: .\n")
                .Append(CultureInfo.InvariantCulture, $"    daprHTTPPort: {app.DaprHttpPort}\n")
                .Append("    command: [\"true\"]\n")
                .Append("    resourcesPaths: [\"./components\"]\n");
            if (app.AppPort is { } appPort)
            {
                runFile.Append(CultureInfo.InvariantCulture, $"    appPort: {appPort}\n");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, "dapr.yaml"), runFile.ToString(), ct);

        // DevHost serves every pubsub type from its durable Postgres broker; redisHost is never dialled.
        await File.WriteAllTextAsync(Path.Combine(components, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {pubsubName}
            spec:
              type: pubsub.redis
              version: v1
              metadata:
                - name: redisHost
                  value: localhost:6379
            """, ct);

        // A failed delivery comes back within a fraction of a second instead of the broker's default redelivery interval.
        await File.WriteAllTextAsync(Path.Combine(components, "resiliency.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: fast-inbound
            spec:
              policies:
                retries:
                  quickly:
                    policy: constant
                    duration: 200ms
                    maxRetries: -1
              targets:
                components:
                  {pubsubName}:
                    inbound:
                      retry: quickly
            """, ct);
    }

    private async Task DropDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresDatabase.AdminConnectionString);
        await admin.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix)", admin))
        {
            list.Parameters.AddWithValue("prefix", _prefix);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
