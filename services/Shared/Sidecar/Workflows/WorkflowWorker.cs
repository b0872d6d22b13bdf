using System.Collections.Concurrent;
using System.Diagnostics;
using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Pulls work from the sidecar's TaskHubSidecarService: opens GetWorkItems, runs each orchestration turn and activity
/// (bounded concurrency; the next item is not read while all slots are busy), and reports back with the work item's
/// completion token. Hello doubles as a keep-alive; a lost stream is reopened after a jittered, growing delay.
/// </summary>
internal sealed class WorkflowWorker : BackgroundService
{
    private static readonly TimeSpan HelloDeadline = TimeSpan.FromSeconds(10);

    private readonly WorkflowWorkerOptions _options;
    private readonly SidecarOptions _sidecar;
    private readonly IServiceScopeFactory _scopes;
    private readonly WorkflowActivityExecutor _activities;
    private readonly WorkflowOrchestrationExecutor _orchestrations;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _orchestrationSlots;
    private readonly SemaphoreSlim _activitySlots;
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly Func<string, string?> _getEnv;
    private long _nextWorkId;

    public WorkflowWorker(
        WorkflowWorkerOptions options, SidecarOptions sidecar, IServiceScopeFactory scopes, WorkflowActivityExecutor activities,
        TimeProvider time, ILoggerFactory loggerFactory)
        : this(options, sidecar, scopes, activities, time, loggerFactory, Environment.GetEnvironmentVariable)
    {
    }

    internal WorkflowWorker(
        WorkflowWorkerOptions options, SidecarOptions sidecar, IServiceScopeFactory scopes, WorkflowActivityExecutor activities,
        TimeProvider time, ILoggerFactory loggerFactory, Func<string, string?> getEnv)
    {
        _options = options;
        _sidecar = sidecar;
        _scopes = scopes;
        _activities = activities;
        _orchestrations = new WorkflowOrchestrationExecutor(loggerFactory);
        _time = time;
        _logger = loggerFactory.CreateLogger<WorkflowWorker>();
        _orchestrationSlots = new SemaphoreSlim(options.MaxConcurrentOrchestrations, options.MaxConcurrentOrchestrations);
        _activitySlots = new SemaphoreSlim(options.MaxConcurrentActivities, options.MaxConcurrentActivities);
        _getEnv = getEnv;
    }

    public override void Dispose()
    {
        _orchestrationSlots.Dispose();
        _activitySlots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var endpoint = _options.ResolveGrpcEndpoint(_getEnv);
        var token = _options.ApiToken ?? _sidecar.ApiToken;
        using var http = GrpcClient.CreateHttpClient(endpoint);
        var client = new GrpcClient(http, new GrpcClientOptions
        {
            Metadata = string.IsNullOrEmpty(token) ? [] : [new(SidecarClient.ApiTokenHeader, token)],
            UserAgent = "daprplatform-workflow-worker/1.0",
        });

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(client, endpoint, () => failures = 0, stoppingToken);
                _logger.LogInformation("Work-item stream from {Endpoint} ended; reconnecting", endpoint);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Work-item stream from {Endpoint} failed; reconnecting", endpoint);
            }

            failures++;
            try
            {
                await Task.Delay(NextReconnectDelay(failures), _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Work already started finishes (or sees the stopping token) before the worker reports itself stopped.
        try
        {
            await Task.WhenAll(_inFlight.Values);
        }
        catch (Exception ex) when (ex is OperationCanceledException || stoppingToken.IsCancellationRequested)
        {
            _logger.LogDebug("In-flight work stopped with the worker");
        }
    }

    private async Task RunSessionAsync(GrpcClient client, Uri endpoint, Action connected, CancellationToken stoppingToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await client.UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser, new GrpcCallOptions { Deadline = HelloDeadline }, session.Token);
        connected();
        _logger.LogInformation("Connected to the workflow task hub at {Endpoint}", endpoint);
        var keepAlive = KeepAliveAsync(client, session);
        try
        {
            var stream = client.ServerStreamingAsync(TaskHubMethods.GetWorkItems, new GetWorkItemsRequest(), WorkItem.Parser, ct: session.Token);
            await foreach (var item in stream)
            {
                await DispatchAsync(client, item, session.Token, stoppingToken);
            }
        }
        finally
        {
            await session.CancelAsync();
            await keepAlive;
        }
    }

    /// <summary>Hello on an interval; when it fails the session is cancelled, which drops the stream and reconnects.</summary>
    private async Task KeepAliveAsync(GrpcClient client, CancellationTokenSource session)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.KeepAliveInterval, _time, session.Token);
                await client.UnaryAsync(TaskHubMethods.Hello, new Empty(), Empty.Parser, new GrpcCallOptions { Deadline = HelloDeadline }, session.Token);
            }
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            // The session ended for another reason.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Keep-alive Hello failed; reopening the work-item stream");
            await session.CancelAsync();
        }
    }

    private async Task DispatchAsync(GrpcClient client, WorkItem item, CancellationToken sessionToken, CancellationToken stoppingToken)
    {
        var (slots, work) = item.RequestCase switch
        {
            WorkItem.RequestOneofCase.OrchestratorRequest => (_orchestrationSlots, (Func<Task>)(() => CompleteOrchestrationAsync(client, item, stoppingToken))),
            WorkItem.RequestOneofCase.ActivityRequest => (_activitySlots, () => CompleteActivityAsync(client, item, stoppingToken)),
            _ => (null, null),
        };
        if (slots is null || work is null)
        {
            _logger.LogDebug("Ignoring a work item of kind {Kind}", item.RequestCase);
            return;
        }

        // Waiting here (not queueing) is the back-pressure: the sidecar's stream is not read while every slot is busy.
        await slots.WaitAsync(sessionToken);
        var id = Interlocked.Increment(ref _nextWorkId);
        var running = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Not reported: the sidecar hands the work out again.
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Reporting a {Kind} work item to the sidecar failed", item.RequestCase);
            }
            finally
            {
                slots.Release();
            }
        }, CancellationToken.None);
        _inFlight[id] = running;
        _ = running.ContinueWith(_ => _inFlight.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task CompleteOrchestrationAsync(GrpcClient client, WorkItem item, CancellationToken ct)
    {
        var request = item.OrchestratorRequest;
        var started = request.PastEvents.Concat(request.NewEvents).FirstOrDefault(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted);
        // Every turn replays the history from the start; only the first turn (no past events) gets a span, so one
        // workflow shows once in its trace instead of once per replay. Orchestrator code does no I/O to parent.
        using var trace = request.PastEvents.Count == 0
            ? SidecarTelemetry.Source.StartActivity(
                "workflow " + (started?.ExecutionStarted.Name ?? request.InstanceId),
                ActivityKind.Internal,
                ActivityContext.TryParse(NonEmpty(started?.ExecutionStarted.ParentTraceContext?.TraceParent), null, isRemote: true, out var parent) ? parent : default)
            : null;
        trace?.SetTag("dapr.workflow.name", started?.ExecutionStarted.Name);
        trace?.SetTag("dapr.workflow.instance_id", request.InstanceId);
        OrchestratorResponse response;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            response = _orchestrations.Execute(request, name =>
                _options.Workflows.TryGetValue(name, out var type) ? (IWorkflow)scope.ServiceProvider.GetRequiredService(type) : null);
        }

        response.CompletionToken = item.CompletionToken;
        await client.UnaryAsync(TaskHubMethods.CompleteOrchestratorTask, response, CompleteTaskResponse.Parser, ct: ct);
    }

    private async Task CompleteActivityAsync(GrpcClient client, WorkItem item, CancellationToken ct)
    {
        var request = item.ActivityRequest;
        // The span stays open while the result is reported, so the completion call carries the scheduling trace too.
        using var trace = WorkflowActivityExecutor.StartSpan(request);
        var response = await _activities.ExecuteInSpanAsync(request, trace, ct);
        response.CompletionToken = item.CompletionToken;
        await client.UnaryAsync(TaskHubMethods.CompleteActivityTask, response, CompleteTaskResponse.Parser, ct: ct);
    }

    /// <summary>ReconnectDelay × 2^(failures−1), capped, with ±20 % jitter so many workers do not reconnect in lockstep.</summary>
    private TimeSpan NextReconnectDelay(int failures)
    {
        var ticks = Math.Min(_options.ReconnectDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30)), _options.MaxReconnectDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
