using Dapr.Workflow;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Sagas;

/// <summary>One step of a saga: its name (custom status, idempotency key), its activity, and the app it calls (for the user-facing reason).</summary>
public sealed record SagaStep(string Name, string Activity, string Service);

/// <summary>
/// How patiently a saga retries a step whose call failed transiently: the wait after the n-th failed attempt doubles
/// (times <see cref="Coefficient"/>) from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>; the deadline, not a count, ends it.
/// </summary>
public sealed record StepPatience(TimeSpan FirstDelay, double Coefficient, TimeSpan MaxDelay)
{
    /// <summary>Forward steps: a restarting service is back within seconds, an outage may last minutes.</summary>
    public static StepPatience Steps { get; } = new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30));

    /// <summary>Undo steps: never give up early, but do not hammer a service that is down.</summary>
    public static StepPatience Compensations { get; } = new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(2));

    public TimeSpan DelayAfter(int failedAttempts)
    {
        var delay = FirstDelay.TotalSeconds * Math.Pow(Coefficient, Math.Max(0, failedAttempts - 1));
        return delay >= MaxDelay.TotalSeconds ? MaxDelay : TimeSpan.FromSeconds(delay);
    }
}

/// <summary>Why a step stopped without a value.</summary>
public enum StepStopKind
{
    /// <summary>The callee refused it (a 4xx problem answer): retrying cannot change that.</summary>
    Refused,

    /// <summary>The callee or the sidecar kept failing (down, restarting, circuit open, 5xx, timeouts) until the deadline.</summary>
    Unavailable,
}

/// <param name="Reason">Fit for the user-facing status: the callee's own problem detail, or which service was unavailable. Never daprd's error text.</param>
public sealed record StepStopped(string Step, StepStopKind Kind, string Reason);

/// <summary>A step's value, or why it stopped without one.</summary>
public sealed record StepRun<T>(T? Value, StepStopped? Stopped)
{
    public bool Completed => Stopped is null;
}

/// <summary>
/// Runs saga steps with the retry rule of issue 14: a transient failure is retried with back-off on durable timers for as long
/// as the deadline allows; only the callee's refusal stops a step early. Each attempt is one activity call without the SDK's
/// retry policy (<see cref="WorkflowRetryPolicy"/> has no way to tell a refusal from an outage, and would burn its attempts on
/// both); the waits are durable timers, so they survive restarts of this app and of the sidecar.
/// </summary>
public sealed class SagaSteps(WorkflowContext context, StepPatience patience, Action<SagaStep, string>? onWaiting = null)
{
    /// <summary>Runs <paramref name="step"/> until it returns, is refused, or the next attempt would start after <paramref name="deadline"/>.</summary>
    public async Task<StepRun<T>> RunAsync<T>(SagaStep step, object? input, DateTime deadline)
    {
        ArgumentNullException.ThrowIfNull(step);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new StepRun<T>(await context.CallActivityAsync<T>(step.Activity, input), null);
            }
            // By name: IsCausedBy<T> loads ErrorType with Type.GetType, which finds only types of the SDK's own assembly and the core library.
            catch (WorkflowTaskFailedException failure) when (failure.FailureDetails?.ErrorType == typeof(ServiceStepRefusedException).FullName)
            {
                return new StepRun<T>(default, new StepStopped(step.Name, StepStopKind.Refused, failure.FailureDetails!.ErrorMessage));
            }
            catch (WorkflowTaskFailedException failure)
            {
                var retryAt = context.CurrentUtcDateTime + patience.DelayAfter(attempt);
                var logger = context.CreateReplaySafeLogger<SagaSteps>();
                if (retryAt > deadline)
                {
                    logger.LogWarning("{Step} of {InstanceId} gave up after {Attempts} attempts at its deadline {Deadline:o}; last failure: {Failure}",
                        step.Name, context.InstanceId, attempt, deadline, failure.FailureDetails?.ErrorMessage);
                    return new StepRun<T>(default, new StepStopped(step.Name, StepStopKind.Unavailable, $"{step.Service} was unavailable"));
                }

                logger.LogInformation("{Step} of {InstanceId} failed (attempt {Attempt}), retrying at {RetryAt:o}: {Failure}",
                    step.Name, context.InstanceId, attempt, retryAt, failure.FailureDetails?.ErrorMessage);
                onWaiting?.Invoke(step, $"waiting for {step.Service} to answer (attempt {attempt + 1} at {retryAt:HH:mm:ss} UTC)");
                await context.CreateTimer(retryAt, CancellationToken.None);
            }
        }
    }
}
