using System.Globalization;
using System.Net;
using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: drives samples through channels' batch endpoint → outbox → pub/sub → the analytics ChannelMetrics actors.
/// <list type="number">
/// <item>Set-up (not timed): a channel-owner account, K channels (DevHost's Telegram stand-in verifies them), until
/// analytics knows every channel; then one small warm-up batch per channel, until it is visible.</item>
/// <item>Throughput: N samples in batches from <c>--concurrency</c> workers, channels interleaved. The clock runs from
/// the first POST until every channel's /realtime totals equal what was sent. Reads start only after the last POST and
/// look at one channel at a time (the one whose last batch went out earliest first), so they barely load the pipeline.</item>
/// <item>Latency (after the throughput phase, one batch in flight): POST a batch, then read its channel every
/// <c>--poll-ms</c> until the totals include it; the time from the 2xx to the end of that read, per batch.</item>
/// </list>
/// A batch that fails is retried (sample ids make a redelivery harmless); a 429 is waited out and counted.
/// </summary>
public static class EndToEndRun
{
    private const int MaxAttempts = 3;
    private const int WarmUpBatchSize = 50;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DrainReadPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LatencyBatchPause = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(CommandArguments args, CancellationToken ct)
    {
        var settings = EndToEndSettings.Parse(args);
        if (settings.MeasuredGatewayRequests > settings.RateLimit)
        {
            throw new UsageException(
                $"{settings.MeasuredGatewayRequests} requests ({settings.Channels} channel registrations, {settings.Channels} warm-up batches, {settings.ThroughputBatches} batches) would exceed the gateway's "
                + $"per-client limit of {settings.RateLimit} requests per window (Gateway:RateLimit:PermitLimit); raise --batch, lower --channels, or use --via sidecar.");
        }

        var time = TimeProvider.System;
        var runTag = RunTag(time);
        var batches = new MetricBatches(runTag, new Random(runTag.GetHashCode(StringComparison.Ordinal)));
        var errors = new ErrorTally();
        using var client = new PlatformClient(settings);
        ThroughputResult? throughput = null;
        LatencyResult? latency = null;
        string? failure = null;
        var channels = new List<Guid>();
        try
        {
            Console.WriteLine($"e2e: run {runTag}: {settings.Samples:N0} samples, {settings.Channels} channels, batches of {settings.BatchSize}, concurrency {settings.Concurrency}, via {settings.Via.ToString().ToLowerInvariant()}");
            await client.SignUpOwnerAsync(runTag, ct);
            for (var c = 0; c < settings.Channels; c++)
            {
                channels.Add(await client.RegisterChannelAsync($"@bench_{runTag}_{c:D3}", ct));
            }

            var expected = new MetricCounts[settings.Channels];
            await WaitUntilAsync("analytics to learn about every channel", time, async () =>
            {
                foreach (var channel in channels)
                {
                    if (await client.ReadTotalsAsync(channel, ct) is null)
                    {
                        return false;
                    }
                }

                return true;
            }, ct);

            // Warm-up: JIT, connection pools and actor activation stay out of the measurement.
            var warmUp = Enumerable.Range(0, settings.Channels).Select(c => batches.Build(c, WarmUpBatchSize, time.GetUtcNow(), TimeSpan.FromMinutes(1))).ToList();
            await PostAllAsync(client, channels, warmUp, settings.Concurrency, errors, ct);
            warmUp.ForEach(b => expected[b.Channel].Add(b.Adds));
            await WaitUntilAsync("the warm-up batches to show", time, async () => await AllVisibleAsync(client, channels, expected, ct), ct);
            Console.WriteLine("e2e: set-up done, throughput phase");

            throughput = await MeasureThroughputAsync(client, channels, expected, batches, settings, errors, time, ct);
            Console.WriteLine(throughput.AllVisible
                ? $"e2e: {throughput.SamplesPerSecond:N0} samples/s end to end ({throughput.Samples:N0} samples visible after {throughput.VisibleSeconds:F2} s; intake {throughput.IntakeSamplesPerSecond:N0} samples/s)"
                : $"e2e: {throughput.ChannelsVisible} of {throughput.Channels} channels complete when the reads stopped after {throughput.VisibleSeconds:F2} s (intake {throughput.IntakeSamplesPerSecond:N0} samples/s)");
            Console.WriteLine($"e2e: CPU seconds in the throughput phase: {string.Join(", ", throughput.CpuSeconds.Select(p => $"{p.Process} {p.Seconds:F1}"))}");
            if (!throughput.AllVisible)
            {
                failure = $"only {throughput.ChannelsVisible} of {throughput.Channels} channels showed all their samples ({throughput.StopReason})";
            }
            else if (settings.LatencyBatches > 0)
            {
                latency = await MeasureLatencyAsync(client, channels, expected, batches, settings, errors, time, ct);
                Console.WriteLine($"e2e: ingest-to-visible latency p50 {latency.P50Ms:F1} ms, p99 {latency.P99Ms:F1} ms over {latency.Batches} batches of {latency.BatchSize}");
            }
        }
        catch (BenchmarkFailure ex)
        {
            failure = ex.Message;
        }
        catch (HttpRequestException ex)
        {
            failure = $"the platform is unreachable: {ex.Message}";
        }
        finally
        {
            await RemoveChannelsAsync(client, channels);
        }

        var result = new EndToEndResult(
            settings.Via == IntakePath.Gateway
                ? $"POST {settings.Gateway}api/channels/{{id}}/metrics (gateway → gateway sidecar → channels sidecar → channels)"
                : $"POST {settings.Sidecar}v1.0/invoke/channels/method/api/channels/{{id}}/metrics (gateway sidecar → channels sidecar → channels)",
            $"GET {settings.Sidecar}v1.0/invoke/analytics/method/api/analytics/channels/{{id}}/realtime?minutes=60",
            new EndToEndParameters(
                settings.Gateway.ToString(), settings.Sidecar.ToString(), settings.Via.ToString().ToLowerInvariant(), settings.Samples, settings.Channels, settings.BatchSize,
                settings.Concurrency, settings.ThroughputBatches, settings.LatencyBatches, settings.LatencyBatchSize, (int)settings.PollInterval.TotalMilliseconds, settings.RateLimit),
            throughput,
            latency,
            errors.Snapshot(),
            failure);
        if (settings.Output is not null)
        {
            ResultFiles.Write(settings.Output, result);
        }

        var counts = result.Errors;
        Console.WriteLine($"e2e: errors: {counts.Throttled} throttled (429), {counts.Failed} failed, {counts.TransportErrors} transport");
        if (failure is not null)
        {
            Console.Error.WriteLine($"e2e: FAILED: {failure}");
            return 1;
        }

        return 0;
    }

    private static async Task<ThroughputResult> MeasureThroughputAsync(
        PlatformClient client, List<Guid> channels, MetricCounts[] expected, MetricBatches batches, EndToEndSettings settings, ErrorTally errors, TimeProvider time, CancellationToken ct)
    {
        // Built and serialized before the clock starts. Channels interleave, as from many collectors at once.
        var now = time.GetUtcNow();
        var perChannel = Enumerable.Range(0, settings.Channels)
            .Select(c => Chunks(settings.SamplesOf(c), settings.BatchSize).Select(n => batches.Build(c, n, now, TimeSpan.FromMinutes(15))).ToList())
            .ToList();
        var plan = Enumerable.Range(0, perChannel.Max(b => b.Count))
            .SelectMany(round => perChannel.Where(b => round < b.Count).Select(b => b[round]))
            .ToList();
        var samples = plan.Sum(b => (long)b.Samples);
        foreach (var batch in plan)
        {
            expected[batch.Channel].Add(batch.Adds);
        }

        var cpuBefore = ProcessCpu.Snapshot();
        var started = time.GetTimestamp();
        var lastBatchDone = await PostAllAsync(client, channels, plan, settings.Concurrency, errors, ct);
        var posted = time.GetElapsedTime(started);

        // Read the channel whose last batch was answered first, first: the last one read is the likeliest to finish last.
        var pending = new Queue<int>(Enumerable.Range(0, channels.Count).OrderBy(c => lastBatchDone[c]));
        var visible = posted;
        var lastProgress = posted;
        MetricCounts? previous = null;
        string? stopReason = null;
        while (pending.Count > 0)
        {
            var channel = pending.Peek();
            var seen = await client.ReadTotalsAsync(channels[channel], ct);
            visible = time.GetElapsedTime(started);
            if (seen != previous)
            {
                lastProgress = visible;
                previous = seen;
            }

            if (seen == expected[channel])
            {
                pending.Dequeue();
                previous = null;
                continue;
            }

            // Samples that stop arriving were lost (e.g. dead-lettered): waiting out the whole timeout would only hide that.
            if (visible - lastProgress > StallTimeout || visible > settings.VisibleTimeout)
            {
                stopReason = visible > settings.VisibleTimeout
                    ? $"still incomplete after {settings.VisibleTimeout.TotalSeconds:F0} s"
                    : $"channel {channels[channel]}'s totals stopped changing for {StallTimeout.TotalSeconds:F0} s, short of what was sent";
                break;
            }

            await Task.Delay(DrainReadPause, time, ct);
        }

        var cpu = ProcessCpu.Between(cpuBefore, ProcessCpu.Snapshot());
        return new ThroughputResult(
            samples,
            plan.Count,
            posted.TotalSeconds,
            visible.TotalSeconds,
            pending.Count == 0 ? samples / visible.TotalSeconds : 0,
            samples / posted.TotalSeconds,
            channels.Count - pending.Count,
            channels.Count,
            cpu,
            stopReason);
    }

    private static async Task<LatencyResult> MeasureLatencyAsync(
        PlatformClient client, List<Guid> channels, MetricCounts[] expected, MetricBatches batches, EndToEndSettings settings, ErrorTally errors, TimeProvider time, CancellationToken ct)
    {
        var latencies = new List<double>(settings.LatencyBatches);
        for (var i = 0; i < settings.LatencyBatches; i++)
        {
            var channel = i % channels.Count;
            var batch = batches.Build(channel, settings.LatencyBatchSize, time.GetUtcNow(), TimeSpan.FromSeconds(5));
            await PostAsync(client, channels[channel], batch, errors, ct);
            var accepted = time.GetTimestamp();
            expected[channel].Add(batch.Adds);
            while (true)
            {
                var totals = await client.ReadTotalsAsync(channels[channel], ct);
                if (totals == expected[channel])
                {
                    latencies.Add(time.GetElapsedTime(accepted).TotalMilliseconds);
                    break;
                }

                if (time.GetElapsedTime(accepted) > settings.VisibleTimeout)
                {
                    throw new BenchmarkFailure($"latency batch {i} was not visible after {settings.VisibleTimeout.TotalSeconds:F0} s");
                }

                await Task.Delay(settings.PollInterval, time, ct);
            }

            await Task.Delay(LatencyBatchPause, time, ct);
        }

        return LatencyResult.Of(latencies, settings.LatencyBatchSize, (int)settings.PollInterval.TotalMilliseconds);
    }

    /// <summary>Posts every batch from <paramref name="concurrency"/> workers; per channel, the timestamp its last batch was answered.</summary>
    private static async Task<long[]> PostAllAsync(PlatformClient client, List<Guid> channels, List<MetricBatch> plan, int concurrency, ErrorTally errors, CancellationToken ct)
    {
        var lastDone = new long[channels.Count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(concurrency, plan.Count)).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < plan.Count; i = Interlocked.Increment(ref next))
            {
                var batch = plan[i];
                await PostAsync(client, channels[batch.Channel], batch, errors, ct);
                var done = TimeProvider.System.GetTimestamp();
                lock (lastDone)
                {
                    lastDone[batch.Channel] = Math.Max(lastDone[batch.Channel], done);
                }
            }
        });
        await Task.WhenAll(workers);
        return lastDone;
    }

    private static async Task PostAsync(PlatformClient client, Guid channel, MetricBatch batch, ErrorTally errors, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await client.PostBatchAsync(channel, batch.Body, ct);
            errors.Record(answer);
            if (answer.IsSuccess)
            {
                return;
            }

            if (answer.Status == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }

            // A 4xx other than 429 means the benchmark sent something the platform rightly refuses: retrying cannot help.
            var clientError = answer.Status is { } s && (int)s is >= 400 and < 500;
            if (clientError || attempt >= MaxAttempts)
            {
                throw new BenchmarkFailure($"a batch for channel {channel} failed: {(answer.Status is { } st ? ((int)st).ToString(CultureInfo.InvariantCulture) : "no answer")} {answer.Detail}");
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
        }
    }

    private static async Task<bool> AllVisibleAsync(PlatformClient client, List<Guid> channels, MetricCounts[] expected, CancellationToken ct)
    {
        for (var c = 0; c < channels.Count; c++)
        {
            if (await client.ReadTotalsAsync(channels[c], ct) != expected[c])
            {
                return false;
            }
        }

        return true;
    }

    private static async Task WaitUntilAsync(string what, TimeProvider time, Func<Task<bool>> condition, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (!await condition())
        {
            if (time.GetElapsedTime(started) > SetUpTimeout)
            {
                throw new BenchmarkFailure($"gave up waiting for {what} after {SetUpTimeout.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    private static async Task RemoveChannelsAsync(PlatformClient client, List<Guid> channels)
    {
        foreach (var channel in channels)
        {
            try
            {
                await client.RemoveChannelAsync(channel, CancellationToken.None);
            }
            catch (Exception ex) when (ex is BenchmarkFailure or HttpRequestException)
            {
                Console.Error.WriteLine($"e2e: cleanup: {ex.Message}");
            }
        }
    }

    private static IEnumerable<int> Chunks(int total, int size)
    {
        for (var left = total; left > 0; left -= size)
        {
            yield return Math.Min(size, left);
        }
    }

    /// <summary>A short lower-case tag that makes this run's e-mail, channel usernames and sample ids (or workflow instance ids and databases) unique.</summary>
    internal static string RunTag(TimeProvider time) =>
        Convert.ToString(time.GetUtcNow().ToUnixTimeSeconds() % 0x10000000, 16).PadLeft(7, '0');
}
