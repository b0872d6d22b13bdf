using BenchmarkDotNet.Attributes;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Benchmarks.Kernel;

/// <summary>
/// The aggregation kernel alone: a day of one channel's samples (<see cref="SampleStream"/>) ingested into a fresh
/// <see cref="ChannelMetricsAggregate"/> per iteration, so every iteration sees the same mix of outcomes and the
/// remembered-id set runs full (evicting the oldest id per new one) for most of the stream. One operation = one sample.
/// </summary>
public class ChannelMetricsIngestBenchmark
{
    public const int SamplesPerInvocation = 1_000_000;
    private const int Seed = 20261122;

    private SampleStream _stream = null!;
    private ChannelMetricsAggregate _aggregate = null!;

    [GlobalSetup]
    public void GenerateStream()
    {
        _stream = SampleStream.Generate(SamplesPerInvocation, Seed);

        // Measure only a kernel that does the right thing: the outcomes must be exactly the ones the stream was built with.
        var check = new ChannelMetricsAggregate();
        var outcomes = Enum.GetValues<IngestOutcome>().ToDictionary(o => o, _ => 0);
        for (var i = 0; i < _stream.Samples.Length; i++)
        {
            outcomes[check.Ingest(_stream.Samples[i], _stream.Clock[i])]++;
        }

        foreach (var (outcome, count) in _stream.Expected)
        {
            if (outcomes[outcome] != count)
            {
                throw new InvalidOperationException($"The kernel reported {outcomes[outcome]} {outcome} samples; the stream holds {count}.");
            }
        }
    }

    [IterationSetup]
    public void FreshAggregate() => _aggregate = new ChannelMetricsAggregate();

    [Benchmark(OperationsPerInvoke = SamplesPerInvocation, Description = "Ingest one channel's day (per sample)")]
    public long IngestRealisticStream()
    {
        var aggregate = _aggregate;
        var samples = _stream.Samples;
        var clock = _stream.Clock;
        for (var i = 0; i < samples.Length; i++)
        {
            aggregate.Ingest(samples[i], clock[i]);
        }

        return aggregate.Accepted;
    }
}
