using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Dapr.Client;
using DaprPlatform.Benchmarks.EndToEnd;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Benchmarks.Workflows;
using DaprPlatform.DevHost;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Benchmarks.Sidecar;

/// <summary>
/// <c>sidecar</c>: DevHost in this process for a one-app run file (sidecar only: a state store and a pubsub, both in
/// Postgres), and this process as the app: GetState, SaveState and PublishEvent through the official <see cref="DaprClient"/>
/// (gRPC) and the same three over the sidecar's HTTP API, each for a fixed time at 1 and at 16 calls in flight. The gap
/// between the two transports is what each adds on top of the same building-block code and the same Postgres.
/// </summary>
public static class SidecarRun
{
    public const string AppId = "bench-sidecar";

    private sealed record Operation(string Name, string Transport, Func<int, long, CancellationToken, Task> Call);

    public static async Task<int> RunAsync(CommandArguments args, CancellationToken ct)
    {
        var postgres = args.Required("--postgres");
        var seconds = args.Int("--seconds", 5);
        var warmUp = args.Int("--warmup", 1, min: 0);
        var levels = (args.Value("--concurrency") ?? "1,16").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var output = args.Value("--out") ?? "sidecar.json";
        args.RejectUnknown();

        var runTag = EndToEndRun.RunTag(TimeProvider.System);
        var runDirectory = Path.Combine(Path.GetTempPath(), "daprplatform-bench-sidecar-" + runTag);
        Directory.CreateDirectory(Path.Combine(runDirectory, "components"));
        await File.WriteAllTextAsync(Path.Combine(runDirectory, "dapr.yaml"), $"version: 1\napps:\n  - appID: {AppId}\n    appDirPath: .\n    resourcesPaths: [./components]\n", ct);
        // state.postgresql v2 and any pubsub are served from DevHost's own database: nothing else to set up.
        await File.WriteAllTextAsync(Path.Combine(runDirectory, "components", "statestore.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.postgresql\n  version: v2\n  metadata: []\n", ct);
        await File.WriteAllTextAsync(Path.Combine(runDirectory, "components", "pubsub.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\nspec:\n  type: pubsub.in-memory\n  version: v1\n  metadata: []\n", ct);

        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await using var devHost = await PlatformHost.StartAsync(
            new DevHostOptions { RunFilePath = Path.Combine(runDirectory, "dapr.yaml"), PostgresConnectionString = postgres, StartApps = false, DatabasePrefix = $"sidecarbench{runTag}_", Output = TextWriter.Null },
            loggerFactory,
            ct);
        var app = devHost.Apps.Single();
        using var dapr = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{app.GrpcPort.ToString(CultureInfo.InvariantCulture)}")
            .UseHttpEndpoint($"http://127.0.0.1:{app.HttpPort.ToString(CultureInfo.InvariantCulture)}")
            .Build();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort.ToString(CultureInfo.InvariantCulture)}"),
        };

        var value = new BenchValue("a small JSON value, as an app would keep", 42, DateTimeOffset.UnixEpoch);
        var valueJson = System.Text.Json.JsonSerializer.Serialize(value, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        await dapr.SaveStateAsync("statestore", "read-me", value, cancellationToken: ct);

        async Task HttpCall(HttpRequestMessage request, CancellationToken token)
        {
            using (request)
            using (var response = await http.SendAsync(request, token))
            {
                if (!response.IsSuccessStatusCode) { throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}"); }
                await response.Content.ReadAsByteArrayAsync(token);
            }
        }

        HttpRequestMessage Json(HttpMethod method, string path, string json)
            => new(method, path) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };

        var operations = new Operation[]
        {
            new("GetState", "gRPC (DaprClient)", (_, _, token) => dapr.GetStateAsync<BenchValue>("statestore", "read-me", cancellationToken: token)),
            new("GetState", "HTTP", (_, _, token) => HttpCall(new HttpRequestMessage(HttpMethod.Get, "/v1.0/state/statestore/read-me"), token)),
            new("SaveState", "gRPC (DaprClient)", (worker, n, token) => dapr.SaveStateAsync("statestore", $"w{worker}-{n % 64}", value, cancellationToken: token)),
            new("SaveState", "HTTP", (worker, n, token) => HttpCall(Json(HttpMethod.Post, "/v1.0/state/statestore", $$"""[{"key":"w{{worker}}-{{n % 64}}","value":{{valueJson}}}]"""), token)),
            new("PublishEvent", "gRPC (DaprClient)", (_, _, token) => dapr.PublishEventAsync("pubsub", "bench", value, token)),
            new("PublishEvent", "HTTP", (_, _, token) => HttpCall(Json(HttpMethod.Post, "/v1.0/publish/pubsub/bench", valueJson), token)),
        };

        var cells = new List<SidecarCell>();
        foreach (var operation in operations)
        {
            foreach (var inFlight in levels)
            {
                if (warmUp > 0) { await DriveAsync(operation, inFlight, TimeSpan.FromSeconds(warmUp), ct); }
                var cpuBefore = ProcessCpu.Snapshot();
                var (calls, latencies, elapsed) = await DriveAsync(operation, inFlight, TimeSpan.FromSeconds(seconds), ct);
                var cpu = ProcessCpu.Between(cpuBefore, ProcessCpu.Snapshot());
                var cell = new SidecarCell(operation.Name, operation.Transport, inFlight, calls, calls / elapsed.TotalSeconds, LatencySummary.Of(latencies)!, cpu);
                cells.Add(cell);
                Console.WriteLine($"sidecar: {cell.Operation} over {cell.Transport}, {inFlight} in flight: {cell.OpsPerSecond:N0} ops/s, p50 {cell.Latency.P50Ms:F2} ms, p99 {cell.Latency.P99Ms:F2} ms");
            }
        }

        ResultFiles.Write(output, new SidecarResult(seconds, warmUp, levels, cells));
        return 0;
    }

    /// <summary><paramref name="inFlight"/> loops, each calling again as soon as its call returns, for <paramref name="duration"/>.</summary>
    private static async Task<(long Calls, List<double> LatencyMs, TimeSpan Elapsed)> DriveAsync(Operation operation, int inFlight, TimeSpan duration, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = await Task.WhenAll(Enumerable.Range(0, inFlight).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(16_384);
            long n = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var before = Stopwatch.GetTimestamp();
                await operation.Call(worker, n++, ct);
                latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
            }

            return latencies;
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = perWorker.SelectMany(l => l).ToList();
        return (all.Count, all, elapsed);
    }

    private sealed record BenchValue(string Text, int Number, DateTimeOffset At);
}

public sealed record SidecarCell(string Operation, string Transport, int InFlight, long Calls, double OpsPerSecond, LatencySummary Latency, IReadOnlyList<ProcessCpuSeconds> CpuSeconds);

public sealed record SidecarResult(int Seconds, int WarmUpSeconds, IReadOnlyList<int> InFlightLevels, IReadOnlyList<SidecarCell> Cells);
