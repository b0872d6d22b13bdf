using System.Diagnostics;
using System.Globalization;
using DaprPlatform.Benchmarks.EndToEnd;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.Benchmarks.Footprint;

/// <summary>
/// <c>footprint</c>: what a local run costs. Starts DevHost on the repository's run file the way scripts/run.sh does
/// (its own process, its private Postgres, the stand-ins), measures the time until every app answers its health check,
/// lets the platform sit idle, then sums the resident memory of every process the run started: DevHost's process tree
/// plus the private Postgres cluster it brought up (a daemon, so found through its postmaster.pid).
/// </summary>
public static class FootprintRun
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken ct)
    {
        var devhostDll = args.Required("--devhost");
        var runFilePath = Path.GetFullPath(args.Value("--run-file") ?? "dapr.yaml");
        var idle = TimeSpan.FromSeconds(args.Int("--idle", 20, min: 0));
        var timeout = TimeSpan.FromSeconds(args.Int("--timeout", 180));
        var output = args.Value("--out") ?? "footprint.json";
        var extraEnvironment = (args.Value("--env") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToList();
        args.RejectUnknown();

        var runFile = RunFileLoader.Load(runFilePath, () => 0);
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = runFile.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { devhostDll, "--run-file", runFilePath, "--telegram-standin=" + FreePort(), "--stripe-standin=" + FreePort() }) { psi.ArgumentList.Add(a); }
        foreach (var kv in extraEnvironment) { psi.Environment[kv[0]] = kv.Length > 1 ? kv[1] : ""; }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        using var devhost = Process.Start(psi) ?? throw new BenchmarkFailure("could not start DevHost");
        // Set on the output reader's thread, read by the polling loop below.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        devhost.OutputDataReceived += (_, e) => { if (e.Data?.Contains("DevHost is running", StringComparison.Ordinal) == true) { running.TrySetResult(); } };
        devhost.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("devhost: " + e.Data); } };
        devhost.BeginOutputReadLine();
        devhost.BeginErrorReadLine();
        try
        {
            var healthy = new HashSet<string>(StringComparer.Ordinal);
            var appsWithPort = runFile.Apps.Where(a => a.AppPort is not null).ToList();
            while (healthy.Count < appsWithPort.Count || !running.Task.IsCompleted)
            {
                if (devhost.HasExited) { throw new BenchmarkFailure($"DevHost exited with code {devhost.ExitCode} before every app was healthy"); }
                if (Stopwatch.GetElapsedTime(started) > timeout) { throw new BenchmarkFailure($"not every app was healthy after {timeout.TotalSeconds:F0} s: missing {string.Join(", ", appsWithPort.Select(a => a.AppId).Except(healthy))}"); }
                foreach (var app in appsWithPort.Where(a => !healthy.Contains(a.AppId)))
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{app.AppPort}/{app.AppHealthCheckPath.TrimStart('/')}"), ct);
                        if (response.IsSuccessStatusCode) { healthy.Add(app.AppId); }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // Not up yet.
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }

            var toHealthy = Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"footprint: every app healthy after {toHealthy.TotalSeconds:F1} s; idle for {idle.TotalSeconds:F0} s");
            await Task.Delay(idle, ct);

            var processes = ProcessTree.Of(devhost.Id, runFile).Concat(ProcessTree.PostgresCluster(Path.Combine(runFile.Directory, ".devhost", "pg"))).ToList();
            var result = new FootprintResult(
                runFile.Apps.Count,
                Math.Round(toHealthy.TotalSeconds, 1),
                idle.TotalSeconds,
                processes.Sum(p => p.RssMegabytes),
                processes.Sum(p => p.PssMegabytes),
                processes.OrderByDescending(p => p.RssMegabytes).ToList(),
                extraEnvironment.Select(kv => string.Join('=', kv)).ToList());
            Console.WriteLine($"footprint: {result.TotalRssMegabytes:N0} MiB resident (PSS {result.TotalPssMegabytes:N0} MiB) in {processes.Count} processes");
            foreach (var group in processes.GroupBy(p => p.Kind))
            {
                Console.WriteLine($"  {group.Key}: {group.Count()} process(es), RSS {group.Sum(p => p.RssMegabytes):N0} MiB, PSS {group.Sum(p => p.PssMegabytes):N0} MiB");
            }

            ResultFiles.Write(output, result);
            return 0;
        }
        finally
        {
            await StopAsync(devhost);
        }
    }

    /// <summary>SIGTERM (DevHost stops the apps and its Postgres), SIGKILL after 60 s.</summary>
    private static async Task StopAsync(Process devhost)
    {
        if (devhost.HasExited) { return; }
        using (var kill = Process.Start("kill", ["-TERM", devhost.Id.ToString(CultureInfo.InvariantCulture)])) { await kill.WaitForExitAsync(); }
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await devhost.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            devhost.Kill(entireProcessTree: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record FootprintResult(int Apps, double SecondsToHealthy, double IdleSeconds, double TotalRssMegabytes, double TotalPssMegabytes, IReadOnlyList<MeasuredProcess> Processes, IReadOnlyList<string> Environment);
