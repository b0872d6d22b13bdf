using DaprPlatform.Benchmarks.EndToEnd;
using DaprPlatform.Benchmarks.Kernel;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Benchmarks.Workflows;

namespace DaprPlatform.Benchmarks;

/// <summary>
/// Entry point. An explicit Main instead of top-level statements: those would declare a global <c>Program</c> that
/// clashes with the referenced Analytics app's own.
/// </summary>
public static class BenchmarkCommandLine
{
    private const string Usage = """
        usage: DaprPlatform.Benchmarks <command> [options]   (run it Release: dotnet run -c Release --project tools/Benchmarks -- ...)
          kernel  [--artifacts dir] [--out kernel.json]
                  BenchmarkDotNet: ChannelMetricsAggregate ingest, samples/s per core and bytes allocated per sample
          e2e     [--gateway http://127.0.0.1:5000] [--sidecar http://127.0.0.1:3500] [--via gateway|sidecar]
                  [--samples 200000] [--channels 20] [--batch 1000] [--concurrency 8]
                  [--latency-batches 50] [--latency-batch-size 100] [--rate-limit 300]
                  [--poll-ms 10] [--visible-timeout 300] [--out e2e.json]
                  against a running platform (scripts/run.sh, DevHost with the Telegram stand-in): samples posted to
                  POST /api/channels/{id}/metrics until every channel's /realtime totals match, then a low-rate latency phase
          workflows --postgres "<admin connection string>" [--workflows 500] [--concurrency 50] [--warmup 50]
                  [--wait completion|poll] [--poll-ms 100] [--instance-timeout 120] [--out workflows.json]
                  DevHost in process (one sidecar-only app) and the official Dapr.Workflow worker in this process: per
                  shape (5 chained no-op activities, 5 parallel ones) N instances scheduled with DaprWorkflowClient and
                  awaited with WaitForWorkflowCompletionAsync (or by polling GetWorkflowStateAsync), at most
                  --concurrency in flight; workflows/s and p50/p99 completion time
          sidecar --postgres "<admin connection string>" [--seconds 5] [--warmup 1] [--concurrency 1,16] [--out sidecar.json]
                  DevHost in process (one sidecar-only app): GetState, SaveState, PublishEvent through the official DaprClient
                  (gRPC) and over the sidecar's HTTP API, at each in-flight level: calls/s and p50/p99 latency
          footprint --devhost <DaprPlatform.DevHost.dll> [--run-file dapr.yaml] [--idle 20] [--timeout 180] [--env "K=V;K2=V2"] [--out footprint.json]
                  DevHost as its own process on the run file (private Postgres, stand-ins): seconds until every app is
                  healthy, then the resident memory of every process the run started after --idle seconds
          report  --doc docs/benchmarks.md --command "<command line>" [--kernel kernel.json] [--e2e e2e.json]
                  [--e2e-error "<why it did not run>"] [--kernel-error "<why>"] [--sdk <dotnet --version>] [--load "<loadavg>"] [--note "<text>"]
                  appends a dated section with the machine, parameters, results and the aims met or missed
          report  --doc docs/benchmarks.md --command "<command line>" (--workflows workflows.json | --workflows-error "<why>")
                  [--sdk ...] [--load ...] [--note ...]   the same for the workflows benchmark
          report  --doc docs/benchmarks.md --command "<command line>" (--sidecar sidecar.json | --sidecar-error "<why>")
                  [--sdk ...] [--load ...] [--note ...]   the same for the sidecar benchmark (and --footprint / --footprint-error)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = new CommandArguments(args.Skip(1));
            switch (args[0])
            {
                case "kernel":
                    return KernelRun.Run(options);
                case "e2e":
                    return await RunCancellableAsync(ct => EndToEndRun.RunAsync(options, ct));
                case "workflows":
                    return await RunCancellableAsync(ct => WorkflowsRun.RunAsync(options, ct));
                case "sidecar":
                    return await RunCancellableAsync(ct => Sidecar.SidecarRun.RunAsync(options, ct));
                case "footprint":
                    return await RunCancellableAsync(ct => Footprint.FootprintRun.RunAsync(options, ct));
                case "report":
                    return BenchmarkReport.Run(options);
                default:
                    throw new UsageException($"unknown command '{args[0]}'");
            }
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"benchmarks: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    /// <summary>Ctrl+C cancels the run (its finally blocks still clean up) instead of killing the process.</summary>
    private static async Task<int> RunCancellableAsync(Func<CancellationToken, Task<int>> run)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await run(cancel.Token);
    }
}
