using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>A throw-away repo folder with a run file and components, and a DevHost started on it with a unique database prefix.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(string dir, string prefix)
    {
        Directory = dir;
        Prefix = prefix;
    }

    public string Directory { get; }

    public string Prefix { get; }

    public PlatformHost? Host { get; private set; }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("DAPRPLATFORM_TEST_POSTGRES")
        ?? throw new InvalidOperationException("Set DAPRPLATFORM_TEST_POSTGRES (scripts/dev-postgres.sh start prints it).");

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Creates the folder; <paramref name="files"/> maps relative paths to contents.</summary>
    public static TestHost Create(IReadOnlyDictionary<string, string> files)
    {
        var dir = Path.Combine(Path.GetTempPath(), "devhost-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(dir, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return new TestHost(dir, "t" + Guid.NewGuid().ToString("N")[..10] + "_");
    }

    public async Task<PlatformHost> StartAsync(bool startApps = false)
    {
        Host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(Directory, "dapr.yaml"),
            PostgresConnectionString = AdminConnectionString,
            StartApps = startApps,
            DatabasePrefix = Prefix,
            AppStartTimeout = TimeSpan.FromSeconds(30),
        });
        return Host;
    }

    public async Task RestartAsync()
    {
        if (Host is not null) { await Host.DisposeAsync(); }
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) { await Host.DisposeAsync(); }
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE $1", conn))
        {
            cmd.Parameters.AddWithValue(Prefix + "%");
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) { names.Add(r.GetString(0)); }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }

        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
