namespace DaprPlatform.Sidecar.Actors;

/// <summary>
/// An actor's state, read through the sidecar's actor state API and cached for the activation.
/// Changes stay in memory until the end of the turn, when the runtime saves them all in one actor state transaction.
/// </summary>
public interface IActorStateManager
{
    Task<ActorStateValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken ct = default);

    /// <exception cref="KeyNotFoundException">No state with that name.</exception>
    Task<T> GetStateAsync<T>(string stateName, CancellationToken ct = default);

    Task SetStateAsync<T>(string stateName, T value, CancellationToken ct = default);

    /// <exception cref="InvalidOperationException">State with that name already exists.</exception>
    Task AddStateAsync<T>(string stateName, T value, CancellationToken ct = default);

    Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken ct = default);

    Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken ct = default);

    Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken ct = default);

    /// <exception cref="KeyNotFoundException">No state with that name.</exception>
    Task RemoveStateAsync(string stateName, CancellationToken ct = default);

    Task<bool> TryRemoveStateAsync(string stateName, CancellationToken ct = default);

    Task<bool> ContainsStateAsync(string stateName, CancellationToken ct = default);

    /// <summary>Writes every pending change in one transaction; the runtime calls it at the end of each successful turn.</summary>
    Task SaveStateAsync(CancellationToken ct = default);

    /// <summary>Forgets cached values and pending changes; the runtime calls it when a turn fails.</summary>
    Task ClearCacheAsync(CancellationToken ct = default);
}

/// <summary>The result of a conditional read: <see cref="HasValue"/> is false when the state does not exist.</summary>
public readonly record struct ActorStateValue<T>(bool HasValue, T Value);
