using System.Globalization;
using DaprPlatform.DevHost;
using Npgsql;

namespace DaprPlatform.TestSupport;

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
    private readonly string _prefix = "ob" + Guid.NewGuid().ToString("N")[..8] + "_";
    private readonly StringWriter _output = new(CultureInfo.InvariantCulture);
    private PlatformHost? _host;
    private TemporaryRunFile? _runFile;

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

    public static async Task<StandInSidecars> StartAsync(string pubsubName, IReadOnlyList<RunFileApp> apps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var sidecars = new StandInSidecars();
        try
        {
            sidecars._runFile = WriteRunFile(pubsubName, apps);
            sidecars._host = await PlatformHost.StartAsync(
                new DevHostOptions
                {
                    RunFilePath = sidecars._runFile.RunFilePath,
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

        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        _runFile?.Dispose();

        await _output.DisposeAsync();
    }

    private static TemporaryRunFile WriteRunFile(string pubsubName, IReadOnlyList<RunFileApp> apps) =>
        TemporaryRunFile.Create("standin-sidecars-", apps)
            .WithComponent("pubsub.yaml", ComponentYaml.RedisPubSub(pubsubName))

            // A failed delivery comes back within a fraction of a second instead of the broker's default redelivery interval.
            .WithComponent("resiliency.yaml", $"""
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
                """);
}
