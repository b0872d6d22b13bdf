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
    public static void Map(WebApplication app, SidecarRuntime sidecar, WorkflowEngine engine)
    {
        var api = new WorkflowApi(sidecar.AppId, engine);
        foreach (var version in new[] { "v1.0", "v1.0-beta1", "v1.0-alpha1" })
        {
            var root = $"/{version}/workflows/{{component}}";
            app.MapPost(root + "/{workflowName}/start", (HttpContext http, string component, string workflowName, string? instanceID) =>
                Answer(async ct => Results.Json(new { instanceID = await api.StartAsync(component, workflowName, instanceID, await ReadBodyAsync(http, ct), ct) }, statusCode: StatusCodes.Status202Accepted), http.RequestAborted));
            app.MapGet(root + "/{instanceId}", (HttpContext http, string component, string instanceId) =>
                Answer(async ct => Results.Json(Describe(await api.GetAsync(component, instanceId, ct))), http.RequestAborted));

            // The body becomes the event data as it is, a raw string.
            app.MapPost(root + "/{instanceId}/raiseEvent/{eventName}", (HttpContext http, string component, string instanceId, string eventName) =>
                Accepted(async ct => await api.RaiseEventAsync(component, instanceId, eventName, await ReadBodyAsync(http, ct), ct), http.RequestAborted));
            app.MapPost(root + "/{instanceId}/terminate", (HttpContext http, string component, string instanceId) =>
                Accepted(ct => api.TerminateAsync(component, instanceId, ct), http.RequestAborted));
            app.MapPost(root + "/{instanceId}/pause", (HttpContext http, string component, string instanceId) =>
                Accepted(ct => api.PauseAsync(component, instanceId, ct), http.RequestAborted));
            app.MapPost(root + "/{instanceId}/resume", (HttpContext http, string component, string instanceId) =>
                Accepted(ct => api.ResumeAsync(component, instanceId, ct), http.RequestAborted));
            app.MapPost(root + "/{instanceId}/purge", (HttpContext http, string component, string instanceId) =>
                Accepted(ct => api.PurgeAsync(component, instanceId, ct), http.RequestAborted));
        }
    }

    private static Task<IResult> Accepted(Func<CancellationToken, Task> operation, CancellationToken ct)
        => Answer(async token =>
        {
            await operation(token);
            return Results.Accepted();
        }, ct);

    private static async Task<IResult> Answer(Func<CancellationToken, Task<IResult>> operation, CancellationToken ct)
    {
        try
        {
            return await operation(ct);
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        return body.Length == 0 ? null : body;
    }

    /// <summary>The GET body: protojson of GetWorkflowResponse (camel-case names, RFC 3339 times, properties only when set).</summary>
    private static Dictionary<string, object> Describe(WorkflowInstanceRow row)
    {
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["instanceID"] = row.InstanceId,
            ["workflowName"] = row.Name,
            ["createdAt"] = Rfc3339(row.CreatedAt),
            ["lastUpdatedAt"] = Rfc3339(row.LastUpdatedAt),
            ["runtimeStatus"] = WorkflowEngine.StatusName(row.Status),
            ["properties"] = WorkflowApi.Properties(row),
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
