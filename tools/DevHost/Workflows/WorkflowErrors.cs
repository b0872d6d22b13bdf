namespace DaprPlatform.DevHost.Workflows;

internal enum WorkflowErrorKind
{
    InstanceIdInvalid,
    InstanceIdTooLong,
    NameMissing,
    EventNameMissing,
    NotFound,
    AlreadyExists,
    NotCompleted,
    RerunRefused,
}

/// <summary>A management call Dapr refuses; the gRPC service and the HTTP API each map <see cref="Kind"/> to their own status.</summary>
internal sealed class WorkflowOperationException(WorkflowErrorKind kind, string message) : Exception(message)
{
    public WorkflowErrorKind Kind { get; } = kind;

    public static WorkflowOperationException NotFound(string instanceId) =>
        new(WorkflowErrorKind.NotFound, $"unable to find workflow with the provided instance ID: {instanceId}");
}

/// <summary>Dapr's rules for instance ids given on create (pkg/api/universal/workflow.go): letters, digits, '-' and '_', at most 64 characters.</summary>
internal static class WorkflowInstanceIds
{
    public const int MaxLength = 64;

    public static void Validate(string instanceId)
    {
        if (instanceId.Length > MaxLength)
        {
            throw new WorkflowOperationException(WorkflowErrorKind.InstanceIdTooLong, $"workflow instance ID exceeds the max length of {MaxLength} characters");
        }

        if (!instanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new WorkflowOperationException(WorkflowErrorKind.InstanceIdInvalid,
                $"workflow instance ID '{instanceId}' is invalid: only alphanumeric and underscore characters are allowed");
        }
    }
}
