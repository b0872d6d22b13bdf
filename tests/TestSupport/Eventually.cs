namespace DaprPlatform.TestSupport;

/// <summary>Polls an observation until it satisfies a condition; the waiting itself is never the assertion.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns the first observation for which <paramref name="done"/> holds; fails with <paramref name="describe"/> of the last one after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<CancellationToken, Task<T>> observe,
        Func<T, bool> done,
        TimeSpan timeout,
        Func<T, string> describe,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(describe);
        using var deadline = new CancellationTokenSource(timeout);
        var last = await observe(CancellationToken.None);
        while (!done(last))
        {
            try
            {
                await Task.Delay(interval ?? DefaultInterval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last observed: {describe(last)}");
            }

            last = await observe(CancellationToken.None);
        }

        return last;
    }
}
