using Npgsql;

namespace DaprPlatform.DevHost.Tests;

/// <summary>Without a connection string DevHost runs its own cluster under &lt;repo&gt;/.devhost/pg and stops it at shutdown.</summary>
public sealed class PrivateClusterTests
{
    [Fact]
    public async Task Starts_a_private_cluster_creates_the_app_database_reuses_the_data_and_stops_it()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            throw new InvalidOperationException("PostgreSQL server binaries are required for this test.");
        }

        using var folder = TemporaryRunFile.Create("devhost-cluster-")
            .WithFile("solo/.keep", "")
            .WithFile("dapr.yaml", Yaml.RunFile(("solo", FreeTcpPort.Next(), FreeTcpPort.Next(), "")).Replace("common:\n  resourcesPaths: [./components]\n", "", StringComparison.Ordinal));
        var dir = folder.Directory;
        var options = new DevHostOptions { RunFilePath = folder.RunFilePath, StartApps = false, Output = TextWriter.Null };
        try
        {
            var host = await PlatformHost.StartAsync(options);
            var cs = host.GetAppConnectionString("solo");
            await using (var conn = new NpgsqlConnection(cs))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)", conn);
                await cmd.ExecuteNonQueryAsync();
            }

            File.Exists(Path.Combine(dir, ".devhost", "pg", "data", "PG_VERSION")).Should().BeTrue();
            await host.DisposeAsync();
            NpgsqlConnection.ClearAllPools();

            // Stopped at shutdown: the port no longer accepts connections.
            await FluentActions.Awaiting(async () =>
            {
                await using var c = new NpgsqlConnection(cs + ";Timeout=2;Pooling=false");
                await c.OpenAsync();
            }).Should().ThrowAsync<NpgsqlException>();

            // Reused on the next start: the data is still there.
            await using var again = await PlatformHost.StartAsync(options);
            await using var conn2 = new NpgsqlConnection(again.GetAppConnectionString("solo"));
            await conn2.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT v FROM kept", conn2);
            (await read.ExecuteScalarAsync()).Should().Be(7);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }
}
