using System.Globalization;
using DaprPlatform.DevHost.Sidecar;
using Dapr.DurableTask.Protobuf;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// Dapr's workflow management HTTP API on the sidecar's HTTP port (https://docs.dapr.io/reference/api/workflow_api/): stable under
/// /v1.0 since Dapr 1.15 and still served under /v1.0-beta1 and /v1.0-alpha1. The component is always <c>dapr</c>.
/// </summary>
internal static class WorkflowHttpEndpoints
{
    public const string Component = "dapr";

    public static void Map(WebApplication app, SidecarRuntime sidecar, WorkflowEngine engine)
    {
        var appId = sidecar.AppId;
        foreach (var version in new[] { "v1.0", "v1.0-beta1", "v1.0-alpha1" })
        {
            var root = $"/{version}/workflows/{{component}}";
            app.MapPost(root + "/{workflowName}/start", async (HttpContext http, string component, string workflowName, string? instanceID) =>
                await Guarded(component, instanceID ?? "", async ct =>
                {
                    var input = await ReadBodyAsync(http, ct);
                    var id = await engine.StartAsync(appId, new CreateInstanceRequest { InstanceId = instanceID ?? "", Name = workflowName, Input = input }, ct);
                    return Results.Json(new { instanceID = id }, statusCode: StatusCodes.Status202Accepted);
                }, "ERR_START_WORKFLOW", http.RequestAborted));

            app.MapGet(root + "/{instanceId}", (HttpContext http, string component, string instanceId) =>
                Guarded(component, instanceId, async ct => await engine.GetAsync(appId, instanceId, ct) is { } row
                    ? Results.Json(Describe(row))
                    : throw WorkflowOperationException.NotFound(instanceId), "ERR_GET_WORKFLOW", http.RequestAborted));

            app.MapPost(root + "/{instanceId}/raiseEvent/{eventName}", (HttpContext http, string component, string instanceId, string eventName) =>
                Guarded(component, instanceId, async ct =>
                {
                    // The body becomes the event data as it is, a raw string.
                    await engine.RaiseEventAsync(appId, instanceId, eventName, await ReadBodyAsync(http, ct), ct);
                    return Results.Accepted();
                }, "ERR_RAISE_EVENT_WORKFLOW", http.RequestAborted));

            // Terminate over HTTP is recursive: child workflows are terminated too.
            app.MapPost(root + "/{instanceId}/terminate", (HttpContext http, string component, string instanceId) =>
                Guarded(component, instanceId, async ct =>
                {
                    await engine.TerminateAsync(appId, instanceId, null, recursive: true, ct);
                    return Results.Accepted();
                }, "ERR_TERMINATE_WORKFLOW", http.RequestAborted));

            app.MapPost(root + "/{instanceId}/pause", (HttpContext http, string component, string instanceId) =>
                Guarded(component, instanceId, async ct =>
                {
                    await engine.SuspendAsync(appId, instanceId, ct);
                    return Results.Accepted();
                }, "ERR_PAUSE_WORKFLOW", http.RequestAborted));

            app.MapPost(root + "/{instanceId}/resume", (HttpContext http, string component, string instanceId) =>
                Guarded(component, instanceId, async ct =>
                {
                    await engine.ResumeAsync(appId, instanceId, ct);
                    return Results.Accepted();
                }, "ERR_RESUME_WORKFLOW", http.RequestAborted));

            // Purge over HTTP is recursive, like the durabletask client daprd uses.
            app.MapPost(root + "/{instanceId}/purge", (HttpContext http, string component, string instanceId) =>
                Guarded(component, instanceId, async ct =>
                {
                    await engine.PurgeAsync(appId, instanceId, recursive: true, force: false, ct);
                    return Results.Accepted();
                }, "ERR_PURGE_WORKFLOW", http.RequestAborted));
        }
    }

    /// <summary>
    /// Dapr's error mapping (pkg/messages/predefined.go): unknown component 400 ERR_WORKFLOW_COMPONENT_NOT_FOUND; bad ids 400;
    /// unknown instance 404 ERR_INSTANCE_ID_NOT_FOUND; any other refusal is the operation's own error code with 500.
    /// </summary>
    private static async Task<IResult> Guarded(string component, string instanceId, Func<CancellationToken, Task<IResult>> operation, string failureCode, CancellationToken ct)
    {
        if (component != Component)
        {
            return DaprError.Result(400, "ERR_WORKFLOW_COMPONENT_NOT_FOUND", $"workflow component '{component}' does not exist");
        }

        try
        {
            return await operation(ct);
        }
        catch (WorkflowOperationException ex)
        {
            return ex.Kind switch
            {
                WorkflowErrorKind.InstanceIdInvalid => DaprError.Result(400, "ERR_INSTANCE_ID_INVALID", ex.Message),
                WorkflowErrorKind.InstanceIdTooLong => DaprError.Result(400, "ERR_INSTANCE_ID_TOO_LONG", ex.Message),
                WorkflowErrorKind.NameMissing => DaprError.Result(400, "ERR_WORKFLOW_NAME_MISSING", ex.Message),
                WorkflowErrorKind.EventNameMissing => DaprError.Result(400, "ERR_WORKFLOW_EVENT_NAME_MISSING", ex.Message),
                WorkflowErrorKind.NotFound => DaprError.Result(404, "ERR_INSTANCE_ID_NOT_FOUND", ex.Message),
                _ => DaprError.Result(500, failureCode, FailureMessage(failureCode, instanceId, ex.Message)),
            };
        }
    }

    private static string FailureMessage(string code, string instanceId, string detail) => code switch
    {
        "ERR_START_WORKFLOW" => $"error starting workflow '{instanceId}': {detail}",
        "ERR_PURGE_WORKFLOW" => $"error purging workflow {instanceId}: {detail}",
        _ => $"error on workflow '{instanceId}': {detail}",
    };

    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        return body.Length == 0 ? null : body;
    }

    /// <summary>The GET body: protojson of GetWorkflowResponse (camel-case names, RFC 3339 times, properties only when set).</summary>
    private static Dictionary<string, object> Describe(WorkflowInstanceRow row)
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

        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["instanceID"] = row.InstanceId,
            ["workflowName"] = row.Name,
            ["createdAt"] = Rfc3339(row.CreatedAt),
            ["lastUpdatedAt"] = Rfc3339(row.LastUpdatedAt),
            ["runtimeStatus"] = WorkflowEngine.StatusName(row.Status),
            ["properties"] = properties,
        };
    }

    /// <summary>protojson's Timestamp form: UTC with 0, 3, 6 or 9 fraction digits.</summary>
    internal static string Rfc3339(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        var fraction = ticks == 0 ? "" : ticks % TimeSpan.TicksPerMillisecond == 0 ? utc.ToString(".fff", CultureInfo.InvariantCulture)
            : ticks % 10 == 0 ? utc.ToString(".ffffff", CultureInfo.InvariantCulture) : utc.ToString(".fffffff", CultureInfo.InvariantCulture) + "00";
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + fraction + "Z";
    }
}
