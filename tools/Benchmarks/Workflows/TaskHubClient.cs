using System.Globalization;
using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.TaskHub;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>How the driver learns that an instance has ended.</summary>
public enum CompletionWait
{
    /// <summary>One WaitForInstanceCompletion call per instance, answered by the sidecar when the instance ends.</summary>
    Completion,

    /// <summary>GetInstance every poll interval until the instance has ended (the SDKs' HTTP clients wait this way).</summary>
    Poll,
}

/// <summary>Starts an instance and waits for it over the sidecar's TaskHubSidecarService, as the official SDKs' workflow clients do.</summary>
public sealed class TaskHubClient(GrpcClient grpc, TimeSpan instanceTimeout, CompletionWait wait, TimeSpan pollInterval, TimeProvider time)
{
    private long _statusCalls;

    /// <summary>GetInstance / WaitForInstanceCompletion calls made so far: what the waiting itself asked of the sidecar.</summary>
    public long StatusCalls => Interlocked.Read(ref _statusCalls);

    /// <summary>Starts <paramref name="workflow"/> as <paramref name="instanceId"/> and returns once it has ended (or failed to).</summary>
    public async Task<InstanceOutcome> RunAsync(string workflow, string instanceId, int input, CancellationToken ct)
    {
        try
        {
            await grpc.UnaryAsync(
                TaskHubMethods.StartInstance,
                new CreateInstanceRequest { InstanceId = instanceId, Name = workflow, Input = input.ToString(CultureInfo.InvariantCulture) },
                CreateInstanceResponse.Parser,
                ct: ct);

            var answer = wait == CompletionWait.Completion ? await WaitForCompletionAsync(instanceId, ct) : await PollUntilEndedAsync(instanceId, ct);
            if (answer is null)
            {
                return InstanceOutcome.Failed($"{instanceId} had not ended after {instanceTimeout.TotalSeconds:F0} s");
            }

            if (!answer.Exists)
            {
                return InstanceOutcome.Failed($"{instanceId} does not exist after being started");
            }

            var state = answer.OrchestrationState;
            if (state.OrchestrationStatus != OrchestrationStatus.Completed)
            {
                var reason = state.FailureDetails is { } details ? $": {details.ErrorType}: {details.ErrorMessage}" : "";
                return InstanceOutcome.Failed($"{instanceId} ended {state.OrchestrationStatus}{reason}");
            }

            double? engineMs = state.CreatedTimestamp is { } created && state.CompletedTimestamp is { } completed
                ? (completed.ToDateTimeOffset() - created.ToDateTimeOffset()).TotalMilliseconds
                : null;
            return new InstanceOutcome(null, state.Output, engineMs);
        }
        catch (GrpcCallException ex)
        {
            return InstanceOutcome.Failed($"{instanceId}: {ex.Message}");
        }
    }

    private static GetInstanceRequest Describe(string instanceId) => new() { InstanceId = instanceId, GetInputsAndOutputs = true };

    /// <summary>The deadline makes an instance that never ends a failure instead of a stalled run.</summary>
    private async Task<GetInstanceResponse?> WaitForCompletionAsync(string instanceId, CancellationToken ct)
    {
        Interlocked.Increment(ref _statusCalls);
        try
        {
            return await grpc.UnaryAsync(TaskHubMethods.WaitForInstanceCompletion, Describe(instanceId), GetInstanceResponse.Parser, new GrpcCallOptions { Deadline = instanceTimeout }, ct);
        }
        catch (GrpcCallException ex) when (ex.Status == GrpcStatusCode.DeadlineExceeded)
        {
            return null;
        }
    }

    private async Task<GetInstanceResponse?> PollUntilEndedAsync(string instanceId, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < instanceTimeout)
        {
            Interlocked.Increment(ref _statusCalls);
            var answer = await grpc.UnaryAsync(TaskHubMethods.GetInstance, Describe(instanceId), GetInstanceResponse.Parser, ct: ct);
            if (!answer.Exists || answer.OrchestrationState.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated)
            {
                return answer;
            }

            await Task.Delay(pollInterval, time, ct);
        }

        return null;
    }
}

/// <param name="Problem">Why the instance counts as failed; null when it COMPLETED.</param>
/// <param name="Output">The COMPLETED instance's output (JSON).</param>
/// <param name="EngineMs">createdTimestamp → completedTimestamp as the sidecar recorded them.</param>
public sealed record InstanceOutcome(string? Problem, string? Output, double? EngineMs)
{
    public static InstanceOutcome Failed(string problem) => new(problem, null, null);
}
