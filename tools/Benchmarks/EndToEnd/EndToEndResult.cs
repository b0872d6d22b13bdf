using System.Collections.Concurrent;
using System.Net;

namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>Everything one end-to-end run measured, as written to its result file.</summary>
public sealed record EndToEndResult(
    string IntakePath,
    string ReadPath,
    EndToEndParameters Parameters,
    ThroughputResult? Throughput,
    LatencyResult? Latency,
    ErrorCounts Errors,
    string? Failure);

public sealed record EndToEndParameters(
    string Gateway,
    string Sidecar,
    string Via,
    int Samples,
    int Channels,
    int BatchSize,
    int Concurrency,
    int ThroughputBatches,
    int LatencyBatches,
    int LatencyBatchSize,
    int PollIntervalMs,
    int GatewayRateLimit);

/// <param name="PostSeconds">First POST sent → last POST answered 2xx.</param>
/// <param name="VisibleSeconds">First POST sent → the last channel's /realtime totals include every sample.</param>
/// <param name="SamplesPerSecond">Samples / <paramref name="VisibleSeconds"/>: the end-to-end rate.</param>
/// <param name="IntakeSamplesPerSecond">Samples / <paramref name="PostSeconds"/>: how fast the channels service took them in.</param>
/// <param name="ChannelsVisible">Channels whose totals matched before the timeout (all of them unless the run failed).</param>
/// <param name="CpuSeconds">CPU seconds per process group over the phase (<see cref="ProcessCpu"/>).</param>
/// <param name="StopReason">Why the reads gave up before every channel was complete; null when all were.</param>
public sealed record ThroughputResult(
    long Samples,
    int Batches,
    double PostSeconds,
    double VisibleSeconds,
    double SamplesPerSecond,
    double IntakeSamplesPerSecond,
    int ChannelsVisible,
    int Channels,
    IReadOnlyList<ProcessCpuSeconds> CpuSeconds,
    string? StopReason)
{
    public bool AllVisible => ChannelsVisible == Channels;
}

/// <summary>Per batch: the POST's 2xx → the end of the first /realtime read that includes the batch.</summary>
public sealed record LatencyResult(int Batches, int BatchSize, int PollIntervalMs, double P50Ms, double P99Ms, double MinMs, double MaxMs)
{
    public static LatencyResult Of(IReadOnlyList<double> millis, int batchSize, int pollIntervalMs)
    {
        ArgumentNullException.ThrowIfNull(millis);
        var sorted = millis.Order().ToArray();
        return new LatencyResult(sorted.Length, batchSize, pollIntervalMs, NearestRank(sorted, 0.50), NearestRank(sorted, 0.99), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

/// <param name="Throttled">429 answers (the batch was retried after Retry-After).</param>
/// <param name="Failed">Other non-2xx answers to metric POSTs, by status in <paramref name="ByStatus"/>.</param>
/// <param name="TransportErrors">POSTs that got no HTTP answer (connection error or timeout).</param>
public sealed record ErrorCounts(int Throttled, int Failed, int TransportErrors, IReadOnlyDictionary<string, int> ByStatus)
{
    public int Total => Throttled + Failed + TransportErrors;
}

/// <summary>Counts unsuccessful POST answers from many workers.</summary>
public sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private int _throttled;
    private int _failed;
    private int _transport;

    public void Record(PostAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.IsSuccess)
        {
            return;
        }

        if (answer.Status is not { } status)
        {
            Interlocked.Increment(ref _transport);
            _byStatus.AddOrUpdate("transport", 1, (_, n) => n + 1);
            return;
        }

        Interlocked.Increment(ref status == HttpStatusCode.TooManyRequests ? ref _throttled : ref _failed);
        _byStatus.AddOrUpdate(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
    }

    public ErrorCounts Snapshot() => new(_throttled, _failed, _transport, new SortedDictionary<string, int>(_byStatus, StringComparer.Ordinal));
}
