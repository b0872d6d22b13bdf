using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>Runtime statuses as the sidecar's HTTP API spells them (STALLED has no HTTP spelling and shows as UNKNOWN).</summary>
public enum WorkflowRuntimeStatus
{
    Unknown,
    Running,
    Completed,
    ContinuedAsNew,
    Failed,
    Canceled,
    Terminated,
    Pending,
    Suspended,
}

/// <summary>A workflow instance as <c>GET /v1.0/workflows/dapr/{instanceID}</c> reports it.</summary>
public sealed record WorkflowState(
    string InstanceId,
    string WorkflowName,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastUpdatedAt,
    WorkflowRuntimeStatus RuntimeStatus,
    IReadOnlyDictionary<string, string> Properties)
{
    public const string InputProperty = "dapr.workflow.input";
    public const string OutputProperty = "dapr.workflow.output";
    public const string CustomStatusProperty = "dapr.workflow.custom_status";
    public const string FailureTypeProperty = "dapr.workflow.failure.error_type";
    public const string FailureMessageProperty = "dapr.workflow.failure.error_message";
    public const string FailureStackTraceProperty = "dapr.workflow.failure.stack_trace";

    public string? SerializedInput => Property(InputProperty);

    public string? SerializedOutput => Property(OutputProperty);

    public string? SerializedCustomStatus => Property(CustomStatusProperty);

    /// <summary>Set when the instance failed: the error type, message and stack trace the sidecar recorded.</summary>
    public WorkflowTaskFailureDetails? FailureDetails =>
        Property(FailureTypeProperty) is null && Property(FailureMessageProperty) is null
            ? null
            : new WorkflowTaskFailureDetails(Property(FailureTypeProperty) ?? "", Property(FailureMessageProperty) ?? "", Property(FailureStackTraceProperty));

    /// <summary>Still able to make progress: running, pending or suspended.</summary>
    public bool IsWorkflowRunning => RuntimeStatus is WorkflowRuntimeStatus.Running or WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Suspended;

    /// <summary>Reached an end state: completed, failed or terminated.</summary>
    public bool IsWorkflowCompleted => RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated;

    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    public static WorkflowRuntimeStatus ParseStatus(string? status) => status switch
    {
        "RUNNING" => WorkflowRuntimeStatus.Running,
        "COMPLETED" => WorkflowRuntimeStatus.Completed,
        "CONTINUED_AS_NEW" => WorkflowRuntimeStatus.ContinuedAsNew,
        "FAILED" => WorkflowRuntimeStatus.Failed,
        "CANCELED" => WorkflowRuntimeStatus.Canceled,
        "TERMINATED" => WorkflowRuntimeStatus.Terminated,
        "PENDING" => WorkflowRuntimeStatus.Pending,
        "SUSPENDED" => WorkflowRuntimeStatus.Suspended,
        _ => WorkflowRuntimeStatus.Unknown,
    };

    internal static WorkflowState FromWire(WorkflowStateWire wire) => new(
        wire.InstanceId ?? "",
        wire.WorkflowName ?? "",
        wire.CreatedAt,
        wire.LastUpdatedAt,
        ParseStatus(wire.RuntimeStatus),
        wire.Properties ?? new Dictionary<string, string>());

    private string? Property(string name) => Properties.TryGetValue(name, out var value) ? value : null;

    private static T? Read<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, SidecarJson.Options);
}

/// <summary>The JSON of the GET response (protojson of GetWorkflowResponse).</summary>
internal sealed record WorkflowStateWire(
    [property: JsonPropertyName("instanceID")] string? InstanceId,
    [property: JsonPropertyName("workflowName")] string? WorkflowName,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("lastUpdatedAt")] DateTimeOffset? LastUpdatedAt,
    [property: JsonPropertyName("runtimeStatus")] string? RuntimeStatus,
    [property: JsonPropertyName("properties")] Dictionary<string, string>? Properties);
