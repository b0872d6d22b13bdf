using DaprPlatform.Benchmarks.EndToEnd;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>Everything one <c>workflows</c> run measured, as written to its result file.</summary>
/// <param name="StartPath">How instances were started (the moment the clock starts).</param>
/// <param name="WaitPath">How completion was observed (the moment the clock stops).</param>
public sealed record WorkflowsResult(WorkflowsParameters Parameters, string StartPath, string WaitPath, IReadOnlyList<ShapeResult> Shapes, string? Failure);

public sealed record WorkflowsParameters(int Workflows, int Concurrency, int WarmUp, int InstanceTimeoutSeconds);

/// <summary>One workflow shape's measured phase.</summary>
/// <param name="Seconds">First start call sent → last completion seen.</param>
/// <param name="WorkflowsPerSecond">Completed instances / <paramref name="Seconds"/>.</param>
/// <param name="Latency">Per instance: start call sent → WaitForInstanceCompletion answered.</param>
/// <param name="EngineLatency">Per instance, by DevHost's own clock: createdTimestamp → completedTimestamp (no client or waiting overhead).</param>
/// <param name="Failures">Instances that did not end COMPLETED with the expected output in time (<paramref name="FailureExamples"/> says why).</param>
/// <param name="StatusCalls">GetInstance / WaitForInstanceCompletion calls the driver made to learn of completions.</param>
/// <param name="DatabaseTransactions">Transactions committed in DevHost's databases during the phase (pg_stat_database), if readable.</param>
public sealed record ShapeResult(
    string Shape,
    string Description,
    int Workflows,
    int Completed,
    int Failures,
    IReadOnlyList<string> FailureExamples,
    double Seconds,
    double WorkflowsPerSecond,
    LatencySummary? Latency,
    LatencySummary? EngineLatency,
    IReadOnlyList<ProcessCpuSeconds> CpuSeconds,
    long StatusCalls,
    long? DatabaseTransactions);

/// <summary>Nearest-rank percentiles of one set of durations, in milliseconds.</summary>
public sealed record LatencySummary(double P50Ms, double P99Ms, double MinMs, double MaxMs)
{
    public static LatencySummary? Of(IEnumerable<double> millis)
    {
        ArgumentNullException.ThrowIfNull(millis);
        var sorted = millis.Order().ToArray();
        return sorted.Length == 0
            ? null
            : new LatencySummary(LatencyResult.NearestRank(sorted, 0.50), LatencyResult.NearestRank(sorted, 0.99), sorted[0], sorted[^1]);
    }
}
