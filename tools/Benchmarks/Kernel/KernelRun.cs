using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace DaprPlatform.Benchmarks.Kernel;

/// <summary>What the kernel benchmark measured (BenchmarkDotNet's numbers, per sample, one thread = one core).</summary>
public sealed record KernelResult(
    string Benchmark,
    int SamplesPerInvocation,
    double NanosecondsPerSample,
    double StandardErrorNanoseconds,
    double SamplesPerSecondPerCore,
    double? AllocatedBytesPerSample,
    int Iterations,
    string Job);

/// <summary>
/// <c>kernel [--artifacts dir] [--out result.json]</c>: runs <see cref="ChannelMetricsIngestBenchmark"/> with a short job
/// (3 warm-ups, 5 measured iterations of a million samples each) in this process, so the whole run takes seconds.
/// </summary>
public static class KernelRun
{
    public static int Run(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var artifacts = args.Value("--artifacts") ?? Path.Combine(Path.GetTempPath(), "daprplatform-bench-kernel");
        var output = args.Value("--out");
        args.RejectUnknown();

        // The iteration setup builds a fresh aggregate, so each iteration is exactly one invocation of a million samples.
        var job = Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("ShortRun-InProcess");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts);

        var summary = BenchmarkRunner.Run<ChannelMetricsIngestBenchmark>(config);
        var report = summary.Reports.SingleOrDefault();
        if (summary.HasCriticalValidationErrors || report is null || !report.Success || report.ResultStatistics is null)
        {
            Console.Error.WriteLine("kernel: the benchmark did not produce a result (see the log above).");
            return 1;
        }

        var stats = report.ResultStatistics;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
        var result = new KernelResult(
            report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo,
            ChannelMetricsIngestBenchmark.SamplesPerInvocation,
            stats.Mean,
            stats.StandardError,
            1e9 / stats.Mean,
            allocated,
            stats.N,
            job.DisplayInfo);

        Console.WriteLine($"kernel: {result.SamplesPerSecondPerCore:N0} samples/s per core ({result.NanosecondsPerSample:F1} ns/sample ± {result.StandardErrorNanoseconds:F1}), allocated {result.AllocatedBytesPerSample?.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"} B/sample");
        if (output is not null)
        {
            ResultFiles.Write(output, result);
        }

        return 0;
    }
}
