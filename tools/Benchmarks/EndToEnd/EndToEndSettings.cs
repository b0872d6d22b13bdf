namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>Which way the metric batches enter the platform.</summary>
public enum IntakePath
{
    /// <summary>POST {gateway}/api/channels/{id}/metrics: gateway (JWT check, rate limit) → its sidecar → channels' sidecar → channels.</summary>
    Gateway,

    /// <summary>POST {sidecar}/v1.0/invoke/channels/method/api/channels/{id}/metrics: the gateway's sidecar → channels' sidecar → channels.</summary>
    Sidecar,
}

/// <summary>Parameters of one end-to-end run.</summary>
public sealed record EndToEndSettings(
    Uri Gateway,
    Uri Sidecar,
    IntakePath Via,
    int Samples,
    int Channels,
    int BatchSize,
    int Concurrency,
    int LatencyBatches,
    int LatencyBatchSize,
    int RateLimit,
    TimeSpan VisibleTimeout,
    TimeSpan PollInterval,
    string? Output)
{
    /// <summary>The channels service's default Metrics:MaxBatchSize.</summary>
    public const int MaxBatchSize = 1000;

    public static EndToEndSettings Parse(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var via = (args.Value("--via") ?? "gateway") switch
        {
            "gateway" => IntakePath.Gateway,
            "sidecar" => IntakePath.Sidecar,
            var other => throw new UsageException($"--via must be gateway or sidecar; got '{other}'"),
        };
        var settings = new EndToEndSettings(
            args.Url("--gateway", "http://127.0.0.1:5000"),
            args.Url("--sidecar", "http://127.0.0.1:3500"),
            via,
            args.Int("--samples", 200_000),
            args.Int("--channels", 20, max: 1000),
            args.Int("--batch", 1000, max: MaxBatchSize),
            args.Int("--concurrency", 8, max: 256),
            args.Int("--latency-batches", 50, min: 0),
            args.Int("--latency-batch-size", 100, max: MaxBatchSize),
            args.Int("--rate-limit", 300),
            TimeSpan.FromSeconds(args.Int("--visible-timeout", 300)),
            TimeSpan.FromMilliseconds(args.Int("--poll-ms", 10)),
            args.Value("--out"));
        args.RejectUnknown();
        if (settings.Samples < settings.Channels)
        {
            throw new UsageException("--samples must be at least --channels (every channel gets samples)");
        }

        return settings;
    }

    /// <summary>Channel <paramref name="channel"/>'s share of the samples (the remainder goes to the first channels).</summary>
    public int SamplesOf(int channel) => (Samples / Channels) + (channel < Samples % Channels ? 1 : 0);

    /// <summary>Requests the throughput phase sends: every channel's share in batches.</summary>
    public int ThroughputBatches => Enumerable.Range(0, Channels).Sum(c => (SamplesOf(c) + BatchSize - 1) / BatchSize);

    /// <summary>
    /// Requests one client sends through the gateway before and during the measured phase (channel registrations, then
    /// with <see cref="IntakePath.Gateway"/> one warm-up batch per channel and the throughput batches). They must fit the
    /// gateway's per-client window, or the run would measure the rate limiter; the latency phase waits out a 429 before
    /// its clock starts.
    /// </summary>
    public int MeasuredGatewayRequests => Channels + (Via == IntakePath.Gateway ? Channels + ThroughputBatches : 0);
}
