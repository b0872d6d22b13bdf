using System.Globalization;
using Dapr.Workflow;
using Grpc.Core;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>How the driver learns that an instance has ended.</summary>
public enum CompletionWait
{
    /// <summary><see cref="DaprWorkflowClient.WaitForWorkflowCompletionAsync"/>: one WaitForInstanceCompletion call per instance.</summary>
    Completion,

    /// <summary><see cref="DaprWorkflowClient.GetWorkflowStateAsync"/> (GetInstance) every poll interval until the instance has ended.</summary>
    Poll,
}

/// <summary>Starts an instance and waits for it with the official SDK's <see cref="DaprWorkflowClient"/>, as an app would.</summary>
public sealed class TaskHubClient(DaprWorkflowClient client, TimeSpan instanceTimeout, CompletionWait wait, TimeSpan pollInterval, TimeProvider time)
{
    private long _statusCalls;

    /// <summary>GetInstance / WaitForInstanceCompletion calls made so far: what the waiting itself asked of the sidecar.</summary>
    public long StatusCalls => Interlocked.Read(ref _statusCalls);

    /// <summary>Starts <paramref name="workflow"/> as <paramref name="instanceId"/> and returns once it has ended (or failed to).</summary>
    public async Task<InstanceOutcome> RunAsync(string workflow, string instanceId, int input, CancellationToken ct)
    {
        try
        {
            await client.ScheduleNewWorkflowAsync(workflow, instanceId, input, startTime: null, cancellation: ct);
            var state = wait == CompletionWait.Completion ? await WaitForCompletionAsync(instanceId, ct) : await PollUntilEndedAsync(instanceId, ct);
            if (state is null)
            {
                return InstanceOutcome.Failed($"{instanceId} had not ended after {instanceTimeout.TotalSeconds:F0} s");
            }

            if (!state.Exists)
            {
                return InstanceOutcome.Failed($"{instanceId} does not exist after being started");
            }

            if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
            {
                var reason = state.FailureDetails is { } details ? $": {details.ErrorType}: {details.ErrorMessage}" : "";
                return InstanceOutcome.Failed($"{instanceId} ended {state.RuntimeStatus}{reason}");
            }

            // The SDK's state has no completion time: the instance's last update is its completion.
            var engineMs = (state.LastUpdatedAt - state.CreatedAt).TotalMilliseconds;
            return new InstanceOutcome(null, state.ReadOutputAs<int>().ToString(CultureInfo.InvariantCulture), engineMs);
        }
        catch (RpcException ex)
        {
            return InstanceOutcome.Failed($"{instanceId}: {ex.Status.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>The timeout makes an instance that never ends a failure instead of a stalled run.</summary>
    private async Task<WorkflowState?> WaitForCompletionAsync(string instanceId, CancellationToken ct)
    {
        Interlocked.Increment(ref _statusCalls);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(instanceTimeout);
        try
        {
            return await client.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded })
        {
            return null;
        }
    }

    private async Task<WorkflowState?> PollUntilEndedAsync(string instanceId, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < instanceTimeout)
        {
            Interlocked.Increment(ref _statusCalls);
            var state = await client.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, ct);
            if (state is null || !state.Exists || state.RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated)
            {
                return state;
            }

            await Task.Delay(pollInterval, time, ct);
        }

        return null;
    }
}

/// <param name="Problem">Why the instance counts as failed; null when it COMPLETED.</param>
/// <param name="Output">The COMPLETED instance's output (JSON).</param>
/// <param name="EngineMs">createdTimestamp → lastUpdatedTimestamp as the sidecar recorded them.</param>
public sealed record InstanceOutcome(string? Problem, string? Output, double? EngineMs)
{
    public static InstanceOutcome Failed(string problem) => new(problem, null, null);
}
