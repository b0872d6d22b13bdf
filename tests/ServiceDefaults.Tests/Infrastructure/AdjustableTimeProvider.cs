namespace DaprPlatform.ServiceDefaults.Tests.Infrastructure;

/// <summary>
/// Wall-clock time a test can move forward. Timers and timestamps stay real, so HTTP timeouts and delays
/// behave normally; only "what time is it" (cache ages, refresh intervals) is shifted.
/// </summary>
public sealed class AdjustableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
