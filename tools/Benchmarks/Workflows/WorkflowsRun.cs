using System.Collections.Concurrent;
using System.Globalization;
using DaprPlatform.Benchmarks.EndToEnd;
using Dapr.Workflow;
using DaprPlatform.DevHost;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>
/// <c>workflows</c>: DevHost in this process for a one-app run file (sidecar only), and this process playing the app with the
/// official SDK: its workflow worker (<c>AddDaprWorkflow</c>, Dapr.Workflow 1.19.1, unmodified) on that app's gRPC port running
/// <see cref="ChainedNoOps"/>, <see cref="FanOutNoOps"/> and <see cref="NoOpActivity"/>, and its <see cref="DaprWorkflowClient"/>.
/// Per shape, after a warm-up: N instances from <c>--concurrency</c> loops, each scheduling one instance (StartInstance) and
/// waiting until it has ended (WaitForInstanceCompletion, or GetInstance polling with <c>--wait poll</c>) before scheduling the
/// next, so at most that many are in flight. DevHost's own created → last-updated timestamps give the engine's time.
/// </summary>
public static class WorkflowsRun
{
    public const string AppId = "bench-workflows";
    private const int FailureExamplesKept = 5;

    /// <summary>PostgreSQL publishes a backend's counters at most once a second, and when it goes idle.</summary>
    private static readonly TimeSpan StatisticsFlush = TimeSpan.FromSeconds(2);

    private static readonly IReadOnlyList<WorkflowShape> Shapes =
    [
        new(nameof(ChainedNoOps), $"{ChainedNoOps.Activities} no-op activities chained (each awaited before the next)", input => input),
        new(nameof(FanOutNoOps), $"{FanOutNoOps.Activities} no-op activities in parallel (Task.WhenAll)", input => input * FanOutNoOps.Activities),
    ];

    public static async Task<int> RunAsync(CommandArguments args, CancellationToken ct)
    {
        var settings = WorkflowsSettings.Parse(args);
        var time = TimeProvider.System;
        var runTag = EndToEndRun.RunTag(time);
        var databasePrefix = $"wfbench{runTag}_";
        var runDirectory = Path.Combine(Path.GetTempPath(), "daprplatform-bench-workflows-" + runTag);
        Directory.CreateDirectory(runDirectory);
        var runFile = Path.Combine(runDirectory, "dapr.yaml");

        // Ports left out: DevHost picks free ones, as the dapr CLI does.
        await File.WriteAllTextAsync(runFile, $"version: 1\napps:\n  - appID: {AppId}\n    appDirPath: .\n", ct);

        // Warnings and errors of DevHost and the worker go to stderr; DevHost's status table is left out.
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        var shapes = new List<ShapeResult>();
        string? failure = null;
        PlatformHost? devHost = null;
        IHost? worker = null;
        try
        {
            Console.WriteLine($"workflows: run {runTag}: {settings.Workflows} instances per shape, {settings.Concurrency} in flight, warm-up {settings.WarmUp}");
            devHost = await PlatformHost.StartAsync(
                new DevHostOptions { RunFilePath = runFile, PostgresConnectionString = settings.Postgres, StartApps = false, DatabasePrefix = databasePrefix, Output = TextWriter.Null },
                loggerFactory,
                ct);
            var grpcEndpoint = new Uri($"http://127.0.0.1:{devHost.Apps.Single().GrpcPort.ToString(CultureInfo.InvariantCulture)}");
            worker = BuildWorker(grpcEndpoint, loggerFactory);
            await worker.StartAsync(ct);

            var client = new TaskHubClient(worker.Services.GetRequiredService<DaprWorkflowClient>(), settings.InstanceTimeout, settings.Wait, settings.PollInterval, time);
            await WaitForWorkerAsync(client, runTag, time, ct);
            foreach (var shape in Shapes)
            {
                if (settings.WarmUp > 0)
                {
                    // JIT, connection pools and the engine's first queries stay out of the measurement.
                    var warm = await DriveAsync(client, shape, $"warm-{runTag}", settings.WarmUp, settings.Concurrency, time, ct);
                    if (warm.Failures > 0)
                    {
                        throw new BenchmarkFailure($"{warm.Failures} of {settings.WarmUp} {shape.Name} warm-up instances failed, e.g. {warm.FailureExamples[0]}");
                    }
                }
            }

            foreach (var shape in Shapes)
            {
                var transactionsBefore = await DatabaseTransactionsAsync(settings.Postgres, databasePrefix, time, ct);
                var statusCallsBefore = client.StatusCalls;
                var cpuBefore = ProcessCpu.Snapshot();
                var drive = await DriveAsync(client, shape, runTag, settings.Workflows, settings.Concurrency, time, ct);
                var cpu = ProcessCpu.Between(cpuBefore, ProcessCpu.Snapshot());
                var transactionsAfter = await DatabaseTransactionsAsync(settings.Postgres, databasePrefix, time, ct);
                var result = new ShapeResult(
                    shape.Name,
                    shape.Description,
                    settings.Workflows,
                    settings.Workflows - drive.Failures,
                    drive.Failures,
                    drive.FailureExamples,
                    drive.Elapsed.TotalSeconds,
                    (settings.Workflows - drive.Failures) / drive.Elapsed.TotalSeconds,
                    LatencySummary.Of(drive.LatencyMs),
                    LatencySummary.Of(drive.EngineLatencyMs),
                    cpu,
                    client.StatusCalls - statusCallsBefore,
                    transactionsAfter - transactionsBefore);
                shapes.Add(result);
                Console.WriteLine($"workflows: {shape.Name}: {result.WorkflowsPerSecond:N1} workflows/s ({result.Completed} in {result.Seconds:F2} s), "
                    + $"completion p50 {result.Latency?.P50Ms:F1} ms, p99 {result.Latency?.P99Ms:F1} ms; failures {result.Failures}; "
                    + $"CPU s: {string.Join(", ", cpu.Select(c => $"{c.Process} {c.Seconds:F1}"))}; DB transactions {result.DatabaseTransactions}, status calls {result.StatusCalls}");
            }

            var failed = shapes.Where(s => s.Failures > 0).ToList();
            if (failed.Count > 0)
            {
                failure = string.Join("; ", failed.Select(s => $"{s.Failures} {s.Shape} instance(s) failed, e.g. {s.FailureExamples[0]}"));
            }
        }
        catch (BenchmarkFailure ex)
        {
            failure = ex.Message;
        }
        catch (RpcException ex)
        {
            failure = $"a task hub call failed: {ex.Message}";
        }
        catch (Exception ex) when (ex is NpgsqlException or DevHostConfigurationException)
        {
            failure = $"DevHost could not start: {ex.Message}";
        }
        finally
        {
            if (worker is not null)
            {
                await worker.StopAsync(CancellationToken.None);
                worker.Dispose();
            }

            if (devHost is not null)
            {
                await devHost.DisposeAsync();
            }

            Directory.Delete(runDirectory, recursive: true);
        }

        var outcome = new WorkflowsResult(
            new WorkflowsParameters(settings.Workflows, settings.Concurrency, settings.WarmUp, (int)settings.InstanceTimeout.TotalSeconds),
            $"Dapr.Workflow's DaprWorkflowClient.ScheduleNewWorkflowAsync (gRPC StartInstance) on {AppId}'s daprGRPCPort (DevHost); the app is the SDK's own worker (AddDaprWorkflow)",
            settings.Wait == CompletionWait.Completion
                ? "DaprWorkflowClient.WaitForWorkflowCompletionAsync (gRPC WaitForInstanceCompletion) on the same port, one call per instance in flight"
                : $"DaprWorkflowClient.GetWorkflowStateAsync (gRPC GetInstance) on the same port every {settings.PollInterval.TotalMilliseconds:F0} ms per instance in flight",
            shapes,
            failure);
        if (settings.Output is not null)
        {
            ResultFiles.Write(settings.Output, outcome);
        }

        if (failure is not null)
        {
            Console.Error.WriteLine($"workflows: FAILED: {failure}");
            return 1;
        }

        return 0;
    }

    private static IHost BuildWorker(Uri grpcEndpoint, ILoggerFactory loggerFactory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });

        // Where an app finds its sidecar: DAPR_GRPC_ENDPOINT, as the SDK reads it from configuration.
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("DAPR_GRPC_ENDPOINT", grpcEndpoint.ToString())]);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddDaprWorkflow(options =>
        {
            options.RegisterWorkflow<ChainedNoOps>();
            options.RegisterWorkflow<FanOutNoOps>();
            options.RegisterActivity<NoOpActivity>();
        });
        return builder.Build();
    }

    /// <summary>The worker connects in the background: one ChainedNoOps instance completing (within the instance timeout) shows its stream is open.</summary>
    private static async Task WaitForWorkerAsync(TaskHubClient client, string runTag, TimeProvider time, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var probe = await DriveAsync(client, Shapes[0], $"probe-{runTag}", 1, 1, time, ct);
        if (probe.Failures > 0)
        {
            throw new BenchmarkFailure($"the worker did not complete a first workflow within {time.GetElapsedTime(started).TotalSeconds:F0} s: {probe.FailureExamples[0]}");
        }
    }

    private static async Task<DriveResult> DriveAsync(TaskHubClient client, WorkflowShape shape, string tag, int count, int concurrency, TimeProvider time, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<double>();
        var engineLatencies = new ConcurrentBag<double>();
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        var started = time.GetTimestamp();
        var loops = Enumerable.Range(0, Math.Min(concurrency, count)).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var instanceId = $"{shape.Name.ToLowerInvariant()}-{tag}-{i.ToString("D6", CultureInfo.InvariantCulture)}";
                var sent = time.GetTimestamp();
                var outcome = await client.RunAsync(shape.Name, instanceId, i, ct);
                var elapsed = time.GetElapsedTime(sent).TotalMilliseconds;
                var problem = outcome.Problem ?? (outcome.Output == shape.ExpectedOutput(i).ToString(CultureInfo.InvariantCulture)
                    ? null
                    : $"{instanceId} completed with output {outcome.Output ?? "(none)"}, expected {shape.ExpectedOutput(i).ToString(CultureInfo.InvariantCulture)}");
                if (problem is not null)
                {
                    failures.Enqueue(problem);
                    continue;
                }

                latencies.Add(elapsed);
                if (outcome.EngineMs is { } engine)
                {
                    engineLatencies.Add(engine);
                }
            }
        });
        await Task.WhenAll(loops);
        return new DriveResult(time.GetElapsedTime(started), [.. latencies], [.. engineLatencies], failures.Count, [.. failures.Take(FailureExamplesKept)]);
    }

    /// <summary>Transactions committed so far in the databases DevHost made for this run; null when the statistics cannot be read.</summary>
    private static async Task<long?> DatabaseTransactionsAsync(string adminConnectionString, string databasePrefix, TimeProvider time, CancellationToken ct)
    {
        await Task.Delay(StatisticsFlush, time, ct);
        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT coalesce(sum(xact_commit), 0)::bigint FROM pg_stat_database WHERE starts_with(datname, @prefix)", connection);
            command.Parameters.AddWithValue("prefix", databasePrefix);
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private sealed record WorkflowShape(string Name, string Description, Func<int, int> ExpectedOutput);

    private sealed record DriveResult(TimeSpan Elapsed, IReadOnlyList<double> LatencyMs, IReadOnlyList<double> EngineLatencyMs, int Failures, IReadOnlyList<string> FailureExamples);
}
