using System.Diagnostics;
using DaprPlatform.Grpc.TaskHub;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>Runs one activity work item: resolves the activity from a fresh DI scope, runs it, and reports the result or the failure.</summary>
public sealed class WorkflowActivityExecutor
{
    /// <summary>errorType of the failure reported when no activity of the requested name is registered.</summary>
    public const string ActivityNotRegisteredErrorType = "ActivityNotRegisteredException";

    private readonly IServiceScopeFactory _scopes;
    private readonly IReadOnlyDictionary<string, Type> _activities;
    private readonly SidecarMetrics? _metrics;

    public WorkflowActivityExecutor(IServiceScopeFactory scopes, WorkflowWorkerOptions options)
        : this(scopes, options, metrics: null)
    {
    }

    public WorkflowActivityExecutor(IServiceScopeFactory scopes, WorkflowWorkerOptions options, SidecarMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _activities = options.Activities;
        _metrics = metrics;
    }

    /// <summary>The response (without completion token). The caller's cancellation propagates: the activity is then not reported and the sidecar redelivers it.</summary>
    public async Task<ActivityResponse> ExecuteAsync(ActivityRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var trace = StartSpan(request);
        return await ExecuteInSpanAsync(request, trace, ct);
    }

    /// <summary>
    /// The span of one activity execution, a child of the trace context daprd hands over from the scheduling. Activities run
    /// once per delivery (not per replay), so one span per execution is not duplicated. The ActivityRequest names no
    /// workflow: the parent places it under the workflow's span.
    /// </summary>
    internal static Activity StartSpan(ActivityRequest request)
    {
        var parent = string.IsNullOrEmpty(request.ParentTraceContext?.TraceParent) ? null : request.ParentTraceContext.TraceParent;
        var trace = SidecarTelemetry.StartActivity("activity " + request.Name, ActivityKind.Internal, parent);
        trace.SetTag("dapr.workflow.instance_id", request.OrchestrationInstance?.InstanceId ?? "");
        trace.SetTag("dapr.workflow.activity.name", request.Name);
        trace.SetTag("dapr.workflow.task_id", request.TaskId);
        trace.SetTag("dapr.workflow.task_execution_id", request.TaskExecutionId);
        return trace;
    }

    /// <summary>Runs under <paramref name="trace"/> (the worker keeps it open while it reports the result) and records the outcome.</summary>
    internal async Task<ActivityResponse> ExecuteInSpanAsync(ActivityRequest request, Activity trace, CancellationToken ct)
    {
        var response = await RunAsync(request, request.OrchestrationInstance?.InstanceId ?? "", ct);
        // Cancellation propagates above (not reported, redelivered), so only reported outcomes are counted.
        var outcome = response.FailureDetails is null ? "completed" : "failed";
        trace.SetTag("daprplatform.outcome", outcome);
        if (response.FailureDetails is { } failure)
        {
            trace.SetStatus(ActivityStatusCode.Error, failure.ErrorMessage);
            trace.SetTag("error.type", failure.ErrorType);
        }

        _metrics?.WorkflowActivity(request.Name, outcome);
        return response;
    }

    private async Task<ActivityResponse> RunAsync(ActivityRequest request, string instanceId, CancellationToken ct)
    {
        var response = new ActivityResponse { InstanceId = instanceId, TaskId = request.TaskId };
        if (!_activities.TryGetValue(request.Name, out var activityType))
        {
            response.FailureDetails = new TaskFailureDetails
            {
                ErrorType = ActivityNotRegisteredErrorType,
                ErrorMessage = $"No activity named '{request.Name}' is registered with this worker.",
            };
            return response;
        }

        await using var scope = _scopes.CreateAsyncScope();
        try
        {
            var activity = (IWorkflowActivity)scope.ServiceProvider.GetRequiredService(activityType);
            var input = WorkflowJson.Deserialize(request.Input, activity.InputType);
            var context = new WorkflowActivityContext(request.Name, instanceId, request.TaskId, request.TaskExecutionId, ct);
            var output = await activity.RunAsync(context, input);
            if (WorkflowJson.Serialize(output) is { } result) { response.Result = result; }
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            response.FailureDetails = WorkflowTaskFailureDetails.FromException(ex);
        }

        return response;
    }
}
