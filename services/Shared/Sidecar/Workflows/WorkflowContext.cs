using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Everything a workflow may use to observe time, make ids, wait and schedule work. All of it is recorded in (or derived
/// from) the instance's history, so a replay of the same history takes the same path. Shaped like the Dapr .NET SDK's
/// <c>WorkflowContext</c>.
/// </summary>
public abstract class WorkflowContext
{
    /// <summary>The registered name of the running workflow.</summary>
    public abstract string Name { get; }

    public abstract string InstanceId { get; }

    /// <summary>The deterministic "now": the timestamp of the current turn's orchestratorStarted event (UTC).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-executes already-recorded history (side effects such as logging should be skipped).</summary>
    public abstract bool IsReplaying { get; }

    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, WorkflowTaskOptions? options = null);

    public Task CallActivityAsync(string name, object? input = null, WorkflowTaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    public abstract Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null);

    public Task CallChildWorkflowAsync(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null) =>
        CallChildWorkflowAsync<object?>(workflowName, input, options);

    /// <summary>A durable timer: completes once the sidecar fires it at <paramref name="fireAt"/> (UTC).</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default);

    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) =>
        CreateTimer(CurrentUtcDateTime + delay, cancellationToken);

    /// <summary>
    /// Waits for an event raised on this instance (names compare case-insensitively); events that came earlier wait in arrival order.
    /// Cancel the token with <c>Cancel()</c> from workflow code (not <c>CancelAsync()</c>, whose callbacks run on another thread).
    /// </summary>
    public abstract Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="WaitForExternalEventAsync{T}(string, CancellationToken)"/>, racing a durable timer: throws <see cref="TaskCanceledException"/> when the timer wins.</summary>
    public abstract Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout);

    /// <summary>Raises an event on another workflow instance (fire and forget).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Ends this run once the workflow returns, and starts a fresh run (empty history) with <paramref name="newInput"/>.</summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A JSON-serialisable value shown as the instance's custom status (null clears it).</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>A GUID that is the same on every replay (name-based, from the instance id, the current time and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that stays silent while the workflow replays, so each line is written once.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    public ILogger CreateReplaySafeLogger(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return CreateReplaySafeLogger(type.FullName ?? type.Name);
    }

    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));
}
