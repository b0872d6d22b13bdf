using DaprPlatform.Grpc.TaskHub;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>Why an activity, child workflow or workflow failed, as recorded in its history.</summary>
/// <param name="ErrorType">The failing exception's full type name (or a protocol error name).</param>
public sealed record WorkflowTaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    WorkflowTaskFailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>True when the failure (not its inner failures) was caused by an exception of type <typeparamref name="T"/> or a subtype.</summary>
    public bool IsCausedBy<T>()
        where T : Exception
    {
        // The failing type may not be loadable here (another app's exception), so the name decides first.
        if (string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal)) { return true; }
        var failing = Type.GetType(ErrorType, throwOnError: false);
        return failing is not null && typeof(T).IsAssignableFrom(failing);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";

    internal static WorkflowTaskFailureDetails? From(TaskFailureDetails? details) => details is null
        ? null
        : new WorkflowTaskFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace, From(details.InnerFailure), details.IsNonRetriable);

    internal TaskFailureDetails ToProto()
    {
        var proto = new TaskFailureDetails { ErrorType = ErrorType, ErrorMessage = ErrorMessage, IsNonRetriable = IsNonRetriable };
        if (StackTrace is not null) { proto.StackTrace = StackTrace; }
        if (InnerFailure is not null) { proto.InnerFailure = InnerFailure.ToProto(); }
        return proto;
    }

    /// <summary>The failure details Dapr records for an exception: type, message, stack trace and the chain of causes.</summary>
    internal static TaskFailureDetails FromException(Exception exception)
    {
        var proto = new TaskFailureDetails
        {
            ErrorType = exception.GetType().FullName ?? exception.GetType().Name,
            ErrorMessage = exception.Message,
        };
        if (exception.StackTrace is { } stackTrace) { proto.StackTrace = stackTrace; }
        var inner = exception switch
        {
            WorkflowTaskFailedException failed => failed.FailureDetails.ToProto(),
            { InnerException: { } cause } => FromException(cause),
            _ => null,
        };
        if (inner is not null) { proto.InnerFailure = inner; }
        return proto;
    }
}

/// <summary>An activity or child workflow the workflow awaited has failed (after any retries); the cause is in <see cref="FailureDetails"/>.</summary>
public sealed class WorkflowTaskFailedException : Exception
{
    public WorkflowTaskFailedException(string message, WorkflowTaskFailureDetails failureDetails)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(failureDetails);
        FailureDetails = failureDetails;
    }

    public WorkflowTaskFailureDetails FailureDetails { get; }
}
