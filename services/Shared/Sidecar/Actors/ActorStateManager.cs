using System.Text.Json;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>One actor state operation as sent in POST /v1.0/actors/{type}/{id}/state.</summary>
internal sealed record ActorStateOperation(string Operation, string Key, JsonElement? Value)
{
    public const string Upsert = "upsert";

    public const string Delete = "delete";
}

/// <summary>Where actor state lives: the sidecar's actor state API, or memory in <see cref="ActorTestHost{TActor}"/>.</summary>
internal interface IActorStateStore
{
    /// <summary>The stored JSON, or null when the key does not exist (the sidecar answers 204).</summary>
    Task<byte[]?> GetAsync(string actorType, ActorId id, string key, CancellationToken ct);

    /// <summary>All operations of a turn in one transaction.</summary>
    Task SaveAsync(string actorType, ActorId id, IReadOnlyList<ActorStateOperation> operations, CancellationToken ct);
}

internal sealed class ActorStateManager : IActorStateManager
{
    private readonly string _actorType;
    private readonly ActorId _id;
    private readonly IActorStateStore _store;
    private readonly JsonSerializerOptions _json;
    private readonly Dictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    public ActorStateManager(string actorType, ActorId id, IActorStateStore store, JsonSerializerOptions json)
    {
        _actorType = actorType;
        _id = id;
        _store = store;
        _json = json;
    }

    private enum Change
    {
        None,
        Add,
        Update,
        Remove,
    }

    public async Task<ActorStateValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (_cache.TryGetValue(stateName, out var cached))
        {
            return cached.Change == Change.Remove ? default : new ActorStateValue<T>(true, cached.As<T>(_json));
        }

        var stored = await _store.GetAsync(_actorType, _id, stateName, ct);
        if (stored is null)
        {
            return default;
        }

        var value = JsonSerializer.Deserialize<T>(stored, _json)!;
        _cache[stateName] = new Entry(value, typeof(T), Change.None);
        return new ActorStateValue<T>(true, value);
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken ct = default)
    {
        var result = await TryGetStateAsync<T>(stateName, ct);
        return result.HasValue ? result.Value : throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");
    }

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        // Both Add and Update become an upsert on the wire; an entry added this turn stays "added".
        var change = _cache.TryGetValue(stateName, out var cached) && cached.Change == Change.Add ? Change.Add : Change.Update;
        _cache[stateName] = new Entry(value, typeof(T), change);
        return Task.CompletedTask;
    }

    public async Task AddStateAsync<T>(string stateName, T value, CancellationToken ct = default)
    {
        if (!await TryAddStateAsync(stateName, value, ct))
        {
            throw new InvalidOperationException($"Actor state '{stateName}' already exists.");
        }
    }

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (_cache.TryGetValue(stateName, out var cached))
        {
            if (cached.Change != Change.Remove)
            {
                return false;
            }

            _cache[stateName] = new Entry(value, typeof(T), Change.Update);
            return true;
        }

        if (await _store.GetAsync(_actorType, _id, stateName, ct) is not null)
        {
            return false;
        }

        _cache[stateName] = new Entry(value, typeof(T), Change.Add);
        return true;
    }

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken ct = default)
    {
        var existing = await TryGetStateAsync<T>(stateName, ct);
        if (existing.HasValue)
        {
            return existing.Value;
        }

        await SetAfterMissAsync(stateName, value);
        return value;
    }

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(updateValueFactory);
        var existing = await TryGetStateAsync<T>(stateName, ct);
        if (!existing.HasValue)
        {
            await SetAfterMissAsync(stateName, addValue);
            return addValue;
        }

        var updated = updateValueFactory(stateName, existing.Value);
        await SetStateAsync(stateName, updated, ct);
        return updated;
    }

    public async Task RemoveStateAsync(string stateName, CancellationToken ct = default)
    {
        if (!await TryRemoveStateAsync(stateName, ct))
        {
            throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");
        }
    }

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (_cache.TryGetValue(stateName, out var cached))
        {
            switch (cached.Change)
            {
                case Change.Remove:
                    return false;
                case Change.Add:
                    // Never stored, so nothing to delete at the end of the turn.
                    _cache.Remove(stateName);
                    return true;
                default:
                    _cache[stateName] = cached with { Change = Change.Remove };
                    return true;
            }
        }

        if (await _store.GetAsync(_actorType, _id, stateName, ct) is null)
        {
            return false;
        }

        _cache[stateName] = new Entry(null, typeof(object), Change.Remove);
        return true;
    }

    public async Task<bool> ContainsStateAsync(string stateName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        if (_cache.TryGetValue(stateName, out var cached))
        {
            return cached.Change != Change.Remove;
        }

        return await _store.GetAsync(_actorType, _id, stateName, ct) is not null;
    }

    public async Task SaveStateAsync(CancellationToken ct = default)
    {
        var operations = _cache
            .Where(e => e.Value.Change != Change.None)
            .Select(e => e.Value.Change == Change.Remove
                ? new ActorStateOperation(ActorStateOperation.Delete, e.Key, null)
                : new ActorStateOperation(ActorStateOperation.Upsert, e.Key, JsonSerializer.SerializeToElement(e.Value.Value, e.Value.Type, _json)))
            .ToList();
        if (operations.Count == 0)
        {
            return;
        }

        await _store.SaveAsync(_actorType, _id, operations, ct);
        foreach (var operation in operations)
        {
            if (operation.Operation == ActorStateOperation.Delete)
            {
                _cache.Remove(operation.Key);
            }
            else
            {
                _cache[operation.Key] = _cache[operation.Key] with { Change = Change.None };
            }
        }
    }

    public Task ClearCacheAsync(CancellationToken ct = default)
    {
        _cache.Clear();
        return Task.CompletedTask;
    }

    /// <summary>After a miss: a name removed earlier this turn exists in the store, so re-adding it is an update.</summary>
    private Task SetAfterMissAsync<T>(string stateName, T value)
    {
        var change = _cache.TryGetValue(stateName, out var cached) && cached.Change == Change.Remove ? Change.Update : Change.Add;
        _cache[stateName] = new Entry(value, typeof(T), change);
        return Task.CompletedTask;
    }

    private sealed record Entry(object? Value, Type Type, Change Change)
    {
        /// <summary>A cached value read back as another type goes through JSON, as it would from the store.</summary>
        public T As<T>(JsonSerializerOptions json) => Value is T typed
            ? typed
            : JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(Value, Type, json), json)!;
    }
}
