using System.Text;
using DaprPlatform.Benchmarks.Sidecar;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>The dated section of docs/benchmarks.md for one <c>sidecar</c> run (written through <see cref="BenchmarkReport"/>).</summary>
public static class SidecarReport
{
    public static string Section(DateTimeOffset at, string command, string? sdk, string? load, SidecarResult? result, string? error, string? note)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = new StringBuilder(BenchmarkReport.Preamble(at, command, sdk, load));
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("Sidecar API cost per transport: DevHost in process (one sidecar-only app, state store and pubsub in Postgres), the same three calls through the official `DaprClient` (gRPC) and the sidecar's HTTP API.");
        Line();
        Line("| call | transport | in flight | calls/s | latency p50 / p99 (min, max) | CPU seconds |");
        Line("|---|---|---|---|---|---|");
        if (result is null || result.Cells.Count == 0)
        {
            Line($"| all | | | not measured: {BenchmarkReport.Cell(error ?? "no result")} | | |");
        }
        else
        {
            foreach (var c in result.Cells)
            {
                Line($"| {c.Operation} | {c.Transport} | {c.InFlight} | {c.OpsPerSecond:N0} | {c.Latency.P50Ms:F2} ms / {c.Latency.P99Ms:F2} ms ({c.Latency.MinMs:F2}, {c.Latency.MaxMs:F2}) | "
                    + string.Join(", ", c.CpuSeconds.Select(s => $"{s.Process} {s.Seconds:F1}")) + " |");
            }

            Line();
            Line($"Each cell: {result.Seconds} s after {result.WarmUpSeconds} s of warm-up, each in-flight loop calling again as soon as its call returns. "
                + "GetState reads one key; SaveState writes one of 64 keys per loop (JSON over HTTP, JSON bytes over gRPC); PublishEvent appends to a topic nobody subscribes to. "
                + "Driver, DevHost and its gRPC/HTTP listeners share one process (benchmarks); Postgres is a private cluster on the same machine.");
        }

        Line();
        if (note is not null)
        {
            Line($"Note: {note}");
            Line();
        }

        return text.ToString();
    }
}
