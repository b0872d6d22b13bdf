using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.DevHost.Postgres;

/// <summary>
/// A PostgreSQL cluster private to one repository: data in &lt;repo&gt;/.devhost/pg, a free 127.0.0.1 port,
/// the unix socket inside that folder and trust auth, so no machine-wide configuration is touched.
/// </summary>
internal sealed class PrivatePostgresCluster
{
    private readonly string _dir;
    private readonly string _binDir;
    private readonly ILogger _logger;
    private bool _startedByUs;

    private PrivatePostgresCluster(string dir, string binDir, int port, ILogger logger)
    {
        _dir = dir;
        _binDir = binDir;
        _logger = logger;
        Port = port;
    }

    public int Port { get; private set; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password=postgres";

    public static async Task<PrivatePostgresCluster> StartAsync(string repoDir, ILogger logger, CancellationToken ct)
    {
        var binDir = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => double.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .LastOrDefault()
            : null;
        if (binDir is null)
        {
            throw new DevHostConfigurationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install the postgresql package or pass --postgres <connection string>.");
        }

        var dir = Path.Combine(repoDir, ".devhost", "pg");
        Directory.CreateDirectory(dir);
        if (Environment.IsPrivilegedProcess)
        {
            // initdb and postgres refuse to run as root; the postgres account needs to own the folder.
            await RunAsync("chown", ["postgres", Path.Combine(repoDir, ".devhost"), dir], false, ct);
        }

        var cluster = new PrivatePostgresCluster(dir, binDir, 0, logger);
        var data = Path.Combine(dir, "data");
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            logger.LogInformation("Initialising a private PostgreSQL cluster in {Dir}", data);
            await cluster.RunPgAsync("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], ct);
        }

        var portFile = Path.Combine(dir, "port");
        var (statusCode, _) = await cluster.RunPgUncheckedAsync("pg_ctl", ["-D", data, "status"], ct);
        if (statusCode == 0 && File.Exists(portFile))
        {
            // Reuse a cluster left running (e.g. by a DevHost that was killed); we did not start it, so we do not stop it.
            cluster.Port = int.Parse(File.ReadAllText(portFile).Trim(), CultureInfo.InvariantCulture);
        }
        else
        {
            cluster.Port = FreePort();
            await File.WriteAllTextAsync(portFile, cluster.Port.ToString(CultureInfo.InvariantCulture), ct);
            await cluster.RunPgAsync("pg_ctl", [
                "-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "30",
                "-o", $"-p {cluster.Port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=300",
                "start"], ct);
            cluster._startedByUs = true;
        }

        await using var conn = new NpgsqlConnection(cluster.AdminConnectionString);
        await conn.OpenAsync(ct);
        return cluster;
    }

    public async Task StopAsync()
    {
        if (!_startedByUs) { return; }
        _startedByUs = false;
        await RunPgUncheckedAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"], CancellationToken.None);
        _logger.LogInformation("Stopped the private PostgreSQL cluster");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (code, output) = await RunPgUncheckedAsync(tool, args, ct);
        if (code != 0)
        {
            var log = Path.Combine(_dir, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "";
            throw new InvalidOperationException($"{tool} failed with exit code {code}: {output}\n{tail}");
        }
    }

    private Task<(int Code, string Output)> RunPgUncheckedAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDir, tool);
        return Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args], true, ct)
            : RunAsync(exe, args, true, ct);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyList<string> args, bool capture, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = capture,
            RedirectStandardError = capture,
            UseShellExecute = false,
            // pg_ctl hands its stdout to the server; a fresh working dir readable by postgres avoids permission noise.
            WorkingDirectory = "/",
        };
        foreach (var a in args) { psi.ArgumentList.Add(a); }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = capture ? process.StandardOutput.ReadToEndAsync(ct) : Task.FromResult("");
        var stderr = capture ? process.StandardError.ReadToEndAsync(ct) : Task.FromResult("");
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
