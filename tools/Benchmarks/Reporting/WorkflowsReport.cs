using System.Text;
using DaprPlatform.Benchmarks.Workflows;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>The dated section of docs/benchmarks.md for one <c>workflows</c> run (written through <see cref="BenchmarkReport"/>).</summary>
public static class WorkflowsReport
{
    public static string Section(DateTimeOffset at, string command, string? sdk, string? load, WorkflowsResult? result, string? error, string? note)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = new StringBuilder(BenchmarkReport.Preamble(at, command, sdk, load));
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("| workflow shape | workflows/s (first start → last completion seen) | completion time, start call → COMPLETED seen, p50 / p99 | recorded by DevHost (created → completed) p50 / p99 | failures |");
        Line("|---|---|---|---|---|");
        if (result is null || result.Shapes.Count == 0)
        {
            Line($"| all | not measured: {BenchmarkReport.Cell(result?.Failure ?? error ?? "no result")} | | | |");
        }
        else
        {
            foreach (var shape in result.Shapes)
            {
                Line($"| {shape.Shape}: {shape.Description} | {shape.WorkflowsPerSecond:N1} ({shape.Completed:N0} in {shape.Seconds:F2} s) | {Percentiles(shape.Latency)} | {Percentiles(shape.EngineLatency)} | {shape.Failures} of {shape.Workflows:N0} |");
            }
        }

        Line();
        if (result is not null)
        {
            var p = result.Parameters;
            Line($"Per shape: {p.Workflows:N0} instances, at most {p.Concurrency} in flight (a new one starts when one completes), after a warm-up of {p.WarmUp} instances of each shape; "
                + $"an instance not completed within {p.InstanceTimeoutSeconds} s counts as failed. Started with {result.StartPath}; completion seen with {result.WaitPath}. "
                + "DevHost (engine, gRPC and HTTP listeners), the worker and this driver share one process (benchmarks).");
            Line();
            foreach (var shape in result.Shapes.Where(s => s.CpuSeconds.Count > 0))
            {
                var available = shape.Seconds * Environment.ProcessorCount;
                var perWorkflow = shape.DatabaseTransactions is { } tx && shape.Workflows > 0
                    ? $"; {tx:N0} PostgreSQL transactions committed in DevHost's databases ({(double)tx / shape.Workflows:F1} per workflow), "
                        + $"at least {shape.StatusCalls:N0} of them ({(double)shape.StatusCalls / shape.Workflows:F1} per workflow) reads for the driver's status calls (one read or more each)"
                    : "";
                Line($"{shape.Shape}: CPU seconds ({shape.Seconds:F1} s × {Environment.ProcessorCount} cores = {available:F1} s available; postgres counts every cluster on the machine): "
                    + string.Join(", ", shape.CpuSeconds.Select(c => $"{c.Process} {c.Seconds:F1}")) + perWorkflow + ".");
                Line();
            }

            foreach (var shape in result.Shapes.Where(s => s.FailureExamples.Count > 0))
            {
                Line($"{shape.Shape} failures, e.g.: {BenchmarkReport.Cell(string.Join("; ", shape.FailureExamples))}.");
                Line();
            }

            if (result.Failure is not null && result.Shapes.Count > 0)
            {
                Line($"Failure: {BenchmarkReport.Cell(result.Failure)}.");
                Line();
            }
        }

        if (note is not null)
        {
            Line($"Note: {note}");
            Line();
        }

        return text.ToString();
    }

    private static string Percentiles(LatencySummary? latency) =>
        latency is null ? "—" : $"{latency.P50Ms:F1} ms / {latency.P99Ms:F1} ms (min {latency.MinMs:F1}, max {latency.MaxMs:F1})";
}
