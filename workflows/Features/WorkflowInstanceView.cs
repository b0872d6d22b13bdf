using DaprPlatform.ServiceDefaults;
using System.Text.Json;
using Dapr.Workflow;
using Grpc.Core;

namespace DaprPlatform.Workflows.Features;

/// <summary>What the status endpoints of every saga share: Dapr's status names, tolerant reads of the JSON the sidecar keeps, and the 503.</summary>
internal static class WorkflowInstanceView
{
    /// <summary>Dapr's limit on instance ids (daprd rejects longer ones).</summary>
    public const int MaxInstanceIdLength = 64;

    /// <summary>How long a handler waits for its sidecar's workflow API before it answers "try again".</summary>
    public static readonly TimeSpan SidecarCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The runtime status as Dapr's HTTP API spells it (RUNNING, COMPLETED, FAILED, …).</summary>
    public static string StatusName(WorkflowRuntimeStatus status) => status switch
    {
        WorkflowRuntimeStatus.ContinuedAsNew => "CONTINUED_AS_NEW",
        _ => status.ToString().ToUpperInvariant(),
    };

    /// <summary>Letters, digits, '-' and '_', at most 64 characters: what an instance id of this app can look like.</summary>
    public static bool IsInstanceId(string instanceId) =>
        instanceId is { Length: > 0 and <= MaxInstanceIdLength } && instanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The instance as the client reads it; null when it does not exist.</summary>
    public static async Task<WorkflowState?> GetAsync(DaprWorkflowClient workflows, string instanceId, CancellationToken ct)
    {
        var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, ct);
        return state is { Exists: true } ? state : null;
    }

    /// <summary>The sidecar could not be reached or did not answer: worth a 503 and a retry, not a 500.</summary>
    public static bool IsUnavailable(Exception e) => e is RpcException or HttpRequestException or TimeoutException;

    /// <summary>Input, output or custom status read as <typeparamref name="T"/>; null when absent or not that shape.</summary>
    public static T? ReadOrDefault<T>(Func<T?> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    public static UnavailableProblem Unavailable(string detail) => Problems.Unavailable(detail);
}
