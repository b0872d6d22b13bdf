using System.Text.Json;
using Dapr.Actors.Runtime;

namespace DaprPlatform.Analytics.Tests.Actors;

/// <summary>
/// An actor state manager as the SDK's behaves, over an in-memory store: changes are cached until
/// <see cref="SaveStateAsync"/> writes them all at once (values stored as JSON, as the sidecar stores them), and
/// <see cref="ClearCacheAsync"/> forgets unsaved changes. <see cref="FailSaves"/> makes saving fail as an unreachable sidecar does.
/// </summary>
public sealed class InMemoryActorState : IActorStateManager
{
    private readonly Dictionary<string, string> _store = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>Saves that wrote something (one state transaction each).</summary>
    public int SaveCount { get; private set; }

    public bool FailSaves { get; set; }

    public IReadOnlyCollection<string> StoredKeys => _store.Keys;

    public T? Read<T>(string key) => _store.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) : default;

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(stateName, out var cached))
        {
            return Task.FromResult(cached.Removed ? new ConditionalValue<T>(false, default!) : new ConditionalValue<T>(true, (T)cached.Value!));
        }

        if (!_store.TryGetValue(stateName, out var json))
        {
            return Task.FromResult(new ConditionalValue<T>(false, default!));
        }

        var value = JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)!;
        _cache[stateName] = new Entry(value, Changed: false, Removed: false);
        return Task.FromResult(new ConditionalValue<T>(true, value));
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        var found = await TryGetStateAsync<T>(stateName, cancellationToken);
        return found.HasValue ? found.Value : throw new KeyNotFoundException($"Actor state {stateName} not found.");
    }

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _cache[stateName] = new Entry(value, Changed: true, Removed: false);
        return Task.CompletedTask;
    }

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        SetStateAsync(stateName, value, cancellationToken);

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        _cache[stateName] = new Entry(null, Changed: true, Removed: true);
        return true;
    }

    public async Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await TryRemoveStateAsync(stateName, cancellationToken))
        {
            throw new KeyNotFoundException($"Actor state {stateName} not found.");
        }
    }

    public Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) =>
        Task.FromResult(_cache.TryGetValue(stateName, out var cached) ? !cached.Removed : _store.ContainsKey(stateName));

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return true;
    }

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TryAddStateAsync(stateName, value, cancellationToken);

    public async Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (!await TryAddStateAsync(stateName, value, cancellationToken))
        {
            throw new InvalidOperationException($"Actor state {stateName} already exists.");
        }
    }

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddStateAsync(stateName, value, cancellationToken);

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        var found = await TryGetStateAsync<T>(stateName, cancellationToken);
        if (found.HasValue)
        {
            return found.Value;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        GetOrAddStateAsync(stateName, value, cancellationToken);

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var found = await TryGetStateAsync<T>(stateName, cancellationToken);
        var value = found.HasValue ? updateValueFactory(stateName, found.Value) : addValue;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

    public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(stateName, out var cached) && cached.Changed && options is not { AllowUnloadingWhenStateModified: true })
        {
            throw new InvalidOperationException($"Actor state {stateName} has unsaved changes.");
        }

        _cache.Remove(stateName);
        return Task.CompletedTask;
    }

    public Task ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        _cache.Clear();
        return Task.CompletedTask;
    }

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        var changes = _cache.Where(c => c.Value.Changed).ToList();
        if (changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (FailSaves)
        {
            return Task.FromException(new HttpRequestException("The sidecar is unreachable."));
        }

        foreach (var (key, entry) in changes)
        {
            if (entry.Removed)
            {
                _store.Remove(key);
                _cache.Remove(key);
            }
            else
            {
                _store[key] = JsonSerializer.Serialize(entry.Value, JsonSerializerOptions.Web);
                _cache[key] = entry with { Changed = false };
            }
        }

        SaveCount++;
        return Task.CompletedTask;
    }

    private sealed record Entry(object? Value, bool Changed, bool Removed);
}
