using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Benchmarks.Kernel;

/// <summary>
/// One busy channel's day as its actor sees it: samples spread evenly over 24 hours with the clock just behind them,
/// mostly in order, plus late arrivals inside the window, redeliveries of recently accepted samples (same id, new
/// string, as after deserialization), a few samples older than the 30-day window and a few from the future.
/// Every sample has its own id, so the duplicate check does real work. Deterministic for a given seed, and it knows
/// how many samples of each outcome the aggregate must report, so a benchmark can check it measured the real thing.
/// </summary>
public sealed class SampleStream
{
    /// <summary>Shares of the stream (the rest arrives in order).</summary>
    public const double RedeliveredShare = 0.01;
    public const double LateShare = 0.05;
    public const double TooOldShare = 0.001;
    public const double FutureShare = 0.001;

    /// <summary>How far back a redelivered sample's original may be (it must still be among the remembered ids).</summary>
    private const int RedeliveryReach = 500;

    private static readonly DateTimeOffset DayStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private SampleStream(MetricSample[] samples, DateTimeOffset[] clock, IReadOnlyDictionary<IngestOutcome, int> expected)
    {
        Samples = samples;
        Clock = clock;
        Expected = expected;
    }

    public MetricSample[] Samples { get; }

    /// <summary>The actor's clock when each sample arrives (never behind the previous one).</summary>
    public DateTimeOffset[] Clock { get; }

    public IReadOnlyDictionary<IngestOutcome, int> Expected { get; }

    public static SampleStream Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var samples = new MetricSample[count];
        var clock = new DateTimeOffset[count];
        var accepted = new bool[count];
        var expected = Enum.GetValues<IngestOutcome>().ToDictionary(o => o, _ => 0);
        var step = TimeSpan.FromDays(1) / count;

        for (var i = 0; i < count; i++)
        {
            var nominal = DayStart + (step * i);
            clock[i] = nominal + TimeSpan.FromSeconds(1);
            var roll = random.NextDouble();
            if (roll < RedeliveredShare && TryPickRedelivery(random, accepted, i) is { } original)
            {
                var first = samples[original];
                samples[i] = first with { Id = new string(first.Id.AsSpan()) };
                expected[IngestOutcome.Duplicate]++;
                continue;
            }

            var kind = PickKind(random);
            var id = $"tg-{seed}-{i:D9}-{kind.ToString().ToLowerInvariant()}";
            var value = kind == MetricKind.Subscribers ? 50_000 + random.Next(-500, 500) : random.Next(0, 200);
            roll = random.NextDouble();
            DateTimeOffset at;
            IngestOutcome outcome;
            if (roll < TooOldShare)
            {
                at = nominal - TimeSpan.FromDays(31);
                outcome = IngestOutcome.TooOld;
            }
            else if (roll < TooOldShare + FutureShare)
            {
                at = clock[i] + TimeSpan.FromMinutes(10);
                outcome = IngestOutcome.InFuture;
            }
            else if (roll < TooOldShare + FutureShare + LateShare)
            {
                at = nominal - TimeSpan.FromMinutes(1 + random.Next(23 * 60));
                outcome = IngestOutcome.Accepted;
            }
            else
            {
                at = nominal;
                outcome = IngestOutcome.Accepted;
            }

            samples[i] = new MetricSample(id, kind, value, at);
            accepted[i] = outcome == IngestOutcome.Accepted;
            expected[outcome]++;
        }

        return new SampleStream(samples, clock, expected);
    }

    private static int? TryPickRedelivery(Random random, bool[] accepted, int index)
    {
        if (index <= RedeliveryReach)
        {
            return null;
        }

        for (var candidate = index - 1 - random.Next(RedeliveryReach); candidate < index; candidate++)
        {
            if (accepted[candidate])
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Views dominate a channel's activity; the gauge and membership changes are rarer.</summary>
    private static MetricKind PickKind(Random random) => random.Next(100) switch
    {
        < 60 => MetricKind.Views,
        < 75 => MetricKind.Reactions,
        < 83 => MetricKind.Forwards,
        < 88 => MetricKind.Posts,
        < 95 => MetricKind.Subscribers,
        < 98 => MetricKind.Joins,
        _ => MetricKind.Leaves,
    };
}
