using Dapr.DurableTask.Protobuf;
using DaprPlatform.DevHost.Sidecar;
using Grpc.Core;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// The workflow management API behind both listeners of one sidecar (daprd's pkg/api/universal/workflow.go serves the HTTP
/// API and the runtime service's *WorkflowBeta1/Alpha1 rpcs from one implementation): the component is always
/// <c>dapr</c>; failures carry daprd's error code, HTTP status and gRPC code (pkg/messages/predefined.go).
/// </summary>
internal sealed class WorkflowApi(string appId, WorkflowEngine engine)
{
    public const string Component = "dapr";

    public Task<string> StartAsync(string component, string name, string? instanceId, string? input, CancellationToken ct)
        => Run(component, instanceId ?? "", "ERR_START_WORKFLOW", () => engine.StartAsync(appId, new CreateInstanceRequest { InstanceId = instanceId ?? "", Name = name, Input = input }, ct));

    public Task<WorkflowInstanceRow> GetAsync(string component, string instanceId, CancellationToken ct)
        => Run(component, instanceId, "ERR_GET_WORKFLOW", async () => await engine.GetAsync(appId, instanceId, ct) ?? throw WorkflowOperationException.NotFound(instanceId));

    public Task RaiseEventAsync(string component, string instanceId, string eventName, string? data, CancellationToken ct)
        => Run(component, instanceId, "ERR_RAISE_EVENT_WORKFLOW", () => Done(engine.RaiseEventAsync(appId, instanceId, eventName, data, ct)));

    /// <summary>Terminate through this API is recursive: child workflows are terminated too.</summary>
    public Task TerminateAsync(string component, string instanceId, CancellationToken ct)
        => Run(component, instanceId, "ERR_TERMINATE_WORKFLOW", () => Done(engine.TerminateAsync(appId, instanceId, null, recursive: true, ct)));

    public Task PauseAsync(string component, string instanceId, CancellationToken ct)
        => Run(component, instanceId, "ERR_PAUSE_WORKFLOW", () => Done(engine.SuspendAsync(appId, instanceId, ct)));

    public Task ResumeAsync(string component, string instanceId, CancellationToken ct)
        => Run(component, instanceId, "ERR_RESUME_WORKFLOW", () => Done(engine.ResumeAsync(appId, instanceId, ct)));

    /// <summary>Purge through this API is recursive, like the durabletask client daprd uses.</summary>
    public Task PurgeAsync(string component, string instanceId, CancellationToken ct)
        => Run(component, instanceId, "ERR_PURGE_WORKFLOW", () => Done(engine.PurgeAsync(appId, instanceId, recursive: true, force: false, ct)));

    /// <summary>GetWorkflow's properties: input, output, custom status and failure, each only when set.</summary>
    public static Dictionary<string, string> Properties(WorkflowInstanceRow row)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (row.Input is { } input) { properties["dapr.workflow.input"] = input; }
        if (row.Output is { } output) { properties["dapr.workflow.output"] = output; }
        if (row.CustomStatus is { } custom) { properties["dapr.workflow.custom_status"] = custom; }
        if (row.Failure is { } failure)
        {
            properties["dapr.workflow.failure.error_type"] = failure.ErrorType;
            properties["dapr.workflow.failure.error_message"] = failure.ErrorMessage;
            if (failure.StackTrace is { } stack) { properties["dapr.workflow.failure.stack_trace"] = stack; }
        }

        return properties;
    }

    private static async Task<bool> Done(Task operation)
    {
        await operation;
        return true;
    }

    private static async Task<T> Run<T>(string component, string instanceId, string failureCode, Func<Task<T>> operation)
    {
        if (string.IsNullOrEmpty(component))
        {
            throw new DaprApiException("ERR_WORKFLOW_COMPONENT_MISSING", "no workflow component was provided", 400, StatusCode.InvalidArgument);
        }

        if (component != Component)
        {
            throw new DaprApiException("ERR_WORKFLOW_COMPONENT_NOT_FOUND", $"workflow component '{component}' does not exist", 400, StatusCode.InvalidArgument);
        }

        try
        {
            return await operation();
        }
        catch (WorkflowOperationException ex)
        {
            throw ex.Kind switch
            {
                WorkflowErrorKind.InstanceIdInvalid => new DaprApiException("ERR_INSTANCE_ID_INVALID", ex.Message, 400, StatusCode.InvalidArgument),
                WorkflowErrorKind.InstanceIdTooLong => new DaprApiException("ERR_INSTANCE_ID_TOO_LONG", ex.Message, 400, StatusCode.InvalidArgument),
                WorkflowErrorKind.NameMissing => new DaprApiException("ERR_WORKFLOW_NAME_MISSING", ex.Message, 400, StatusCode.InvalidArgument),
                WorkflowErrorKind.EventNameMissing => new DaprApiException("ERR_WORKFLOW_EVENT_NAME_MISSING", ex.Message, 400, StatusCode.InvalidArgument),
                WorkflowErrorKind.NotFound => new DaprApiException("ERR_INSTANCE_ID_NOT_FOUND", ex.Message, 404, StatusCode.NotFound),
                _ => new DaprApiException(failureCode, FailureMessage(failureCode, instanceId, ex.Message), 500, StatusCode.Internal),
            };
        }
    }

    private static string FailureMessage(string code, string instanceId, string detail) => code switch
    {
        "ERR_START_WORKFLOW" => $"error starting workflow '{instanceId}': {detail}",
        "ERR_PURGE_WORKFLOW" => $"error purging workflow {instanceId}: {detail}",
        _ => $"error on workflow '{instanceId}': {detail}",
    };
}
