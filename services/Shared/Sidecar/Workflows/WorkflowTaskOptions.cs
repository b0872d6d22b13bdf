namespace DaprPlatform.Sidecar.Workflows;

/// <summary>Options for scheduling an activity.</summary>
public record WorkflowTaskOptions(WorkflowRetryPolicy? RetryPolicy = null);

/// <summary>Options for scheduling a child workflow; without an instance id one is derived from the parent's id and the action id.</summary>
public sealed record ChildWorkflowTaskOptions(string? InstanceId = null, WorkflowRetryPolicy? RetryPolicy = null) : WorkflowTaskOptions(RetryPolicy);

/// <summary>
/// Retries of a failed activity or child workflow, waited out with durable timers (so they survive restarts and replay
/// deterministically). The delay after the n-th failure is <c>firstRetryInterval × backoffCoefficient^(n−1)</c>, capped at
/// <see cref="MaxRetryInterval"/>; no attempt starts later than <see cref="RetryTimeout"/> after the first one.
/// </summary>
public sealed record WorkflowRetryPolicy
{
    public WorkflowRetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        if (double.IsNaN(backoffCoefficient) || backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be at least 1.");
        }

        if (maxRetryInterval is { } max && max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), max, "The maximum retry interval cannot be shorter than the first one.");
        }

        if (retryTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryTimeout), timeout, "The retry timeout must be positive.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval;
        RetryTimeout = retryTimeout;
    }

    /// <summary>Total attempts including the first one.</summary>
    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan? MaxRetryInterval { get; }

    public TimeSpan? RetryTimeout { get; }

    /// <summary>The wait before the next attempt, after <paramref name="failedAttempts"/> failures (1-based).</summary>
    public TimeSpan DelayAfterFailure(int failedAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var cap = (MaxRetryInterval ?? TimeSpan.MaxValue).Ticks;
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, failedAttempts - 1);
        return ticks >= cap ? TimeSpan.FromTicks(cap) : TimeSpan.FromTicks((long)ticks);
    }
}
