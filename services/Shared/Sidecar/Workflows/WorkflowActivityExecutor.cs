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

    public WorkflowActivityExecutor(IServiceScopeFactory scopes, WorkflowWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _activities = options.Activities;
    }

    /// <summary>The response (without completion token). The caller's cancellation propagates: the activity is then not reported and the sidecar redelivers it.</summary>
    public async Task<ActivityResponse> ExecuteAsync(ActivityRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instanceId = request.OrchestrationInstance?.InstanceId ?? "";
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
