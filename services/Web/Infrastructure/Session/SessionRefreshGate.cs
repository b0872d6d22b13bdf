namespace DaprPlatform.Web.Infrastructure.Session;

/// <summary>
/// Serialises token refreshes of one session within this replica (a fixed set of locks chosen by the session id's hash, so
/// nothing grows with the number of sessions). Blazor Server circuits are sticky, so a session's calls meet in one replica.
/// </summary>
public sealed class SessionRefreshGate : IDisposable
{
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> EnterAsync(string sessionId, CancellationToken ct)
    {
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_locks.Length)];
        await gate.WaitAsync(ct);
        return new Turn(gate);
    }

    public void Dispose()
    {
        foreach (var gate in _locks)
        {
            gate.Dispose();
        }
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
