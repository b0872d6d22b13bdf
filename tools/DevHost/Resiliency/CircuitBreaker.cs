using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Resiliency;

/// <summary>A consecutive-failures circuit breaker with Dapr's states: closed → open (for <c>timeout</c>) → half-open (maxRequests probes).</summary>
internal sealed class CircuitBreaker(CircuitBreakerPolicy policy, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openedAt;
    private int _halfOpenProbes;

    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_openedAt is null) { return true; }
            if (time.GetUtcNow() - _openedAt < policy.Timeout) { return false; }
            if (_halfOpenProbes >= policy.MaxRequests) { return false; }
            _halfOpenProbes++;
            return true;
        }
    }

    public void Success()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openedAt = null;
            _halfOpenProbes = 0;
        }
    }

    public void Failure()
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_openedAt is not null || _consecutiveFailures >= policy.TripAfterConsecutiveFailures)
            {
                _openedAt = time.GetUtcNow();
                _halfOpenProbes = 0;
            }
        }
    }
}
