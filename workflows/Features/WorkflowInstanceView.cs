using System.Text.Json;
using DaprPlatform.Sidecar;
using DaprPlatform.Sidecar.Workflows;

namespace DaprPlatform.Workflows.Features;

/// <summary>What the status endpoints of every saga share: Dapr's status names, tolerant reads of the JSON the sidecar keeps, and the 503.</summary>
internal static class WorkflowInstanceView
{
    /// <summary>The runtime status as Dapr's HTTP API spells it (RUNNING, COMPLETED, FAILED, …).</summary>
    public static string StatusName(WorkflowRuntimeStatus status) => status switch
    {
        WorkflowRuntimeStatus.ContinuedAsNew => "CONTINUED_AS_NEW",
        _ => status.ToString().ToUpperInvariant(),
    };

    public static bool IsInstanceId(string instanceId)
    {
        try
        {
            DaprWorkflowClient.ValidateInstanceId(instanceId);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Input, output or custom status read as <typeparamref name="T"/>; null when absent or not that shape.</summary>
    public static T? ReadOrDefault<T>(string? json)
        where T : class
    {
        if (string.IsNullOrEmpty(json)) { return null; }
        try
        {
            return JsonSerializer.Deserialize<T>(json, SidecarJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The service is temporarily unavailable.");
}
