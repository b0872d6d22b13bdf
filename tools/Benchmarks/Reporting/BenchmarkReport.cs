using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DaprPlatform.Benchmarks.EndToEnd;
using DaprPlatform.Benchmarks.Kernel;
using DaprPlatform.Benchmarks.Workflows;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>
/// <c>report</c>: appends one dated section to docs/benchmarks.md from the result files of <c>kernel</c> and <c>e2e</c>
/// (or, with <c>--workflows</c>, of <c>workflows</c>: <see cref="WorkflowsReport"/>)
/// (a part that did not run is listed with the reason), with the machine it ran on and the aims met or missed.
/// Only measured numbers are written; the file's header is prose.
/// </summary>
public static class BenchmarkReport
{
    /// <summary>Issue 3 §7's aims.</summary>
    public const double KernelAimPerCore = 5_000_000;
    public const double EndToEndAim = 20_000;

    private const string Header = """
        # Benchmarks

        Produced by `scripts/bench.sh analytics|workflows|sidecar|footprint` (see `tools/Benchmarks`); every section headed by a
        date and time only was written by the script from one run, in the order they ran. A section whose heading adds a title
        after the time is a written summary of the measured sections it names.

        - **Kernel**: BenchmarkDotNet (Release, in-process, short job) ingesting a day of one channel's samples into
          `ChannelMetricsAggregate` — mostly in order, with late arrivals inside the 24 h window, redelivered sample ids,
          samples older than 30 days and samples from the future. One operation is one sample; one thread is one core.
          Aim: at least 5 million samples/s per core, nothing allocated per sample.
        - **End to end**: the platform under DevHost (Release builds, Telegram stand-in), samples posted in batches to
          `POST /api/channels/{id}/metrics` → outbox → `channel.metrics` on pub/sub → the analytics `ChannelMetrics` actor,
          until every channel's `GET /api/analytics/channels/{id}/realtime` totals equal what was sent.
          Aim: at least 20,000 samples/s on this 2-core machine. The ingest-to-visible latency is measured afterwards,
          one batch in flight: from the POST's 2xx to the end of the first `/realtime` read that includes the batch.
        - **Workflows** (`scripts/bench.sh workflows`): DevHost's workflow engine in process with the Sidecar library's worker,
          instances of two shapes — 5 chained no-op activities, 5 parallel ones — started with gRPC `StartInstance` and awaited
          (polling `GetInstance` unless the section says otherwise), a fixed number in flight. Workflows/s from the first
          start to the last completion seen; completion time per instance (p50/p99) from its start call to the answer that
          showed it COMPLETED, and as DevHost recorded it (created → completed). No aim is set.

        """;

    public static int Run(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var doc = args.Required("--doc");
        var command = args.Required("--command");
        var single = InProcessSection(args, "workflows", (sdk, load, file, error, note) => WorkflowsReport.Section(DateTimeOffset.UtcNow, command, sdk, load, ResultFiles.Read<WorkflowsResult>(file), error, note))
            ?? InProcessSection(args, "sidecar", (sdk, load, file, error, note) => SidecarReport.Section(DateTimeOffset.UtcNow, command, sdk, load, ResultFiles.Read<Sidecar.SidecarResult>(file), error, note))
            ?? InProcessSection(args, "footprint", (sdk, load, file, error, note) => FootprintReport.Section(DateTimeOffset.UtcNow, command, sdk, load, ResultFiles.Read<Footprint.FootprintResult>(file), error, note));
        if (single is not null)
        {
            Append(doc, single);
            return 0;
        }

        var kernelFile = args.Value("--kernel");
        var e2eFile = args.Value("--e2e");
        var e2eError = args.Value("--e2e-error");
        var kernelError = args.Value("--kernel-error");
        var sdk = args.Value("--sdk");
        var load = args.Value("--load");
        var note = args.Value("--note");
        args.RejectUnknown();

        var kernel = ResultFiles.Read<KernelResult>(kernelFile);
        var e2e = ResultFiles.Read<EndToEndResult>(e2eFile);
        Append(doc, Section(DateTimeOffset.UtcNow, command, sdk, load, kernel, kernelError, e2e, e2eError, note));
        return 0;
    }

    /// <summary>
    /// The section of a benchmark that reports alone (<c>--{name} file</c> or <c>--{name}-error why</c>, plus --sdk, --load,
    /// --note); null when the arguments are not for it.
    /// </summary>
    private static string? InProcessSection(CommandArguments args, string name, Func<string?, string?, string?, string?, string?, string> section)
    {
        var file = args.Value($"--{name}");
        var error = args.Value($"--{name}-error");
        if (file is null && error is null) { return null; }
        var sdk = args.Value("--sdk");
        var load = args.Value("--load");
        var note = args.Value("--note");
        args.RejectUnknown();
        return section(sdk, load, file, error, note);
    }

    /// <summary>Appends <paramref name="section"/> to <paramref name="doc"/> (written with the header first if new) and prints it.</summary>
    private static void Append(string doc, string section)
    {
        if (!File.Exists(doc))
        {
            File.WriteAllText(doc, Header);
        }

        File.AppendAllText(doc, section);
        Console.Write(section);
    }

    public static string Section(
        DateTimeOffset at, string command, string? sdk, string? load, KernelResult? kernel, string? kernelError, EndToEndResult? e2e, string? e2eError, string? note)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        text.Append(Preamble(at, command, sdk, load));
        Line("| measure | result | aim | |");
        Line("|---|---|---|---|");
        if (kernel is not null)
        {
            Line($"| kernel ingest, samples/s per core | {kernel.SamplesPerSecondPerCore:N0} ({kernel.NanosecondsPerSample:F1} ± {kernel.StandardErrorNanoseconds:F1} ns/sample) | ≥ {KernelAimPerCore:N0} | {Verdict(kernel.SamplesPerSecondPerCore >= KernelAimPerCore)} |");
            Line($"| kernel allocation per sample | {(kernel.AllocatedBytesPerSample is { } bytes ? $"{bytes:F0} B" : "not measured")} | 0 B | {Verdict(kernel.AllocatedBytesPerSample == 0)} |");
        }
        else
        {
            Line($"| kernel ingest, samples/s per core | not measured: {Cell(kernelError ?? "no result")} | ≥ {KernelAimPerCore:N0} | missed |");
        }

        if (e2e?.Throughput is { AllVisible: true } throughput)
        {
            Line($"| end to end, samples/s (first POST → all visible) | {throughput.SamplesPerSecond:N0} ({throughput.Samples:N0} samples in {throughput.VisibleSeconds:F2} s) | ≥ {EndToEndAim:N0} | {Verdict(throughput.SamplesPerSecond >= EndToEndAim)} |");
        }
        else
        {
            Line($"| end to end, samples/s | not measured: {Cell(e2e?.Failure ?? e2eError ?? "no result")} | ≥ {EndToEndAim:N0} | missed |");
        }

        if (e2e?.Throughput is { } intake)
        {
            Line($"| intake, samples/s (first POST → last 2xx) | {intake.IntakeSamplesPerSecond:N0} ({intake.Samples:N0} samples in {intake.PostSeconds:F2} s) | | |");
        }

        if (e2e?.Latency is { } latency)
        {
            Line($"| ingest-to-visible latency p50 / p99 | {latency.P50Ms:F1} ms / {latency.P99Ms:F1} ms (min {latency.MinMs:F1}, max {latency.MaxMs:F1}; {latency.Batches} batches of {latency.BatchSize}, read every {latency.PollIntervalMs} ms) | | |");
        }

        if (e2e is not null)
        {
            var errors = e2e.Errors;
            var byStatus = errors.ByStatus.Count == 0 ? "" : " — " + string.Join(", ", errors.ByStatus.Select(kv => $"{kv.Key}: {kv.Value}"));
            Line($"| errors (metric POSTs) | {errors.Total}: {errors.Throttled} throttled, {errors.Failed} failed, {errors.TransportErrors} without answer{byStatus} | 0 | {Verdict(errors.Total == 0)} |");
        }

        Line();
        if (kernel is not null)
        {
            Line($"Kernel: `{kernel.Benchmark}`, {kernel.SamplesPerInvocation:N0} samples per invocation, {kernel.Iterations} measured iterations, job {kernel.Job}.");
            Line();
        }

        if (e2e?.Throughput is { CpuSeconds.Count: > 0 } phase)
        {
            var available = phase.VisibleSeconds * Environment.ProcessorCount;
            Line($"CPU seconds used during the throughput phase ({phase.VisibleSeconds:F1} s × {Environment.ProcessorCount} cores = {available:F1} s available; postgres counts every cluster on the machine): "
                + string.Join(", ", phase.CpuSeconds.Select(c => $"{c.Process} {c.Seconds:F1}")) + ".");
            Line();
        }

        if (e2e is not null)
        {
            var p = e2e.Parameters;
            Line($"End to end: {p.Samples:N0} samples over {p.Channels} channels in {p.ThroughputBatches} batches of up to {p.BatchSize}, {p.Concurrency} concurrent POSTs, via {p.Via}; "
                + $"latency phase {p.LatencyBatches} batches of {p.LatencyBatchSize}. Intake: {e2e.IntakePath}. Reads: {e2e.ReadPath}.");
            Line();
        }

        if (note is not null)
        {
            Line($"Note: {note}");
            Line();
        }

        return text.ToString();
    }

    /// <summary>The start of every section: its date heading, the command line and the machine.</summary>
    internal static string Preamble(DateTimeOffset at, string command, string? sdk, string? load) =>
        $"## {at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC\n\nCommand: `{command}`\n\nMachine: {string.Join("; ", MachineFacts(sdk, load))}\n\n";

    private static IEnumerable<string> MachineFacts(string? sdk, string? load)
    {
        yield return $"{Environment.ProcessorCount} cores (nproc)";
        if (ProcField("/proc/cpuinfo", "model name") is { } cpu)
        {
            yield return cpu;
        }

        if (ProcField("/proc/meminfo", "MemTotal") is { } memory
            && long.TryParse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
        {
            yield return $"{kib / 1024.0 / 1024.0:F1} GiB RAM";
        }

        yield return RuntimeInformation.FrameworkDescription + (sdk is null ? "" : $" (SDK {sdk})");
        yield return RuntimeInformation.OSDescription;
        if (load is not null)
        {
            yield return $"load average before the run {load}";
        }
    }

    /// <summary>The value of the first "<paramref name="field"/> : value" line of a /proc file, or null.</summary>
    private static string? ProcField(string path, string field)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == field)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    internal static string Cell(string text) => text.Replace('|', '/').Replace('\n', ' ');
}
