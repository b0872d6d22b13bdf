using System.Text;
using DaprPlatform.Benchmarks.Footprint;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>The dated section of docs/benchmarks.md for one <c>footprint</c> run (written through <see cref="BenchmarkReport"/>).</summary>
public static class FootprintReport
{
    /// <summary>Issue 13's aims for today's nine apps: resident memory of the whole idle run, and start to every app healthy.</summary>
    public const double MemoryAimMegabytes = 1200;
    public const double StartAimSeconds = 20;

    public static string Section(DateTimeOffset at, string command, string? sdk, string? load, FootprintResult? result, string? error, string? note)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = new StringBuilder(BenchmarkReport.Preamble(at, command, sdk, load));
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("Footprint of a local run: DevHost started as `scripts/run.sh` starts it (Debug build, private Postgres, Telegram and Stripe stand-ins) on the repository's `dapr.yaml`.");
        Line();
        if (result is null)
        {
            Line($"Not measured: {BenchmarkReport.Cell(error ?? "no result")}.");
            Line();
        }
        else
        {
            Line("| measure | result | aim | |");
            Line("|---|---|---|---|");
            Line($"| start of DevHost → every app answers its health check ({result.Apps} apps) | {result.SecondsToHealthy:F1} s | ≤ {StartAimSeconds:F0} s | {(result.SecondsToHealthy <= StartAimSeconds ? "met" : "missed")} |");
            Line($"| resident memory (sum of RSS) of every process the run started, after {result.IdleSeconds:F0} s idle | {result.TotalRssMegabytes:N0} MiB in {result.Processes.Count} processes | ≤ {MemoryAimMegabytes:N0} MiB | {(result.TotalRssMegabytes <= MemoryAimMegabytes ? "met" : "missed")} |");
            Line($"| the same as PSS (shared pages, e.g. Postgres's buffers, counted once) | {result.TotalPssMegabytes:N0} MiB | | |");
            Line();
            Line("| kind | processes | RSS MiB (PSS) | each, RSS MiB |");
            Line("|---|---|---|---|");
            foreach (var group in result.Processes.GroupBy(p => p.Kind).OrderByDescending(g => g.Sum(p => p.RssMegabytes)))
            {
                Line($"| {group.Key} | {group.Count()} | {group.Sum(p => p.RssMegabytes):N0} ({group.Sum(p => p.PssMegabytes):N0}) | "
                    + string.Join(", ", group.OrderByDescending(p => p.RssMegabytes).Take(12).Select(p => $"{p.Name} {p.RssMegabytes:N0}")) + " |");
            }

            Line();
            if (result.Environment.Count > 0)
            {
                Line($"Extra environment given to DevHost for this run: `{string.Join("; ", result.Environment)}`.");
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
}
