using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>Settings for <see cref="ActorTestHost{TActor}"/>.</summary>
public sealed class ActorTestHostOptions
{
    /// <summary>Actor type name (default: the class name).</summary>
    public string? ActorType { get; set; }

    /// <summary>Services the actor's constructor asks for besides <see cref="ActorHost"/>.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>For actors that call other actors; by default proxies target a sidecar at the SidecarOptions default endpoint.</summary>
    public ActorProxyFactory? ProxyFactory { get; set; }

    public ActorRuntimeOptions Runtime { get; } = new();
}

/// <summary>
/// Runs one actor without a sidecar, through the same runtime as MapActorsHandlers: an in-memory actor state store,
/// reminders and timers recorded and fired by hand, activation on the first call, and each call as one turn whose
/// state changes are saved (one transaction) when it succeeds and discarded when it throws.
/// </summary>
public sealed class ActorTestHost<TActor> : IAsyncDisposable
    where TActor : Actor
{
    private readonly ServiceProvider _services;
    private readonly ActorRuntime _runtime;
    private readonly ActorTypeInfo _type;
    private readonly InMemoryActorSidecar _sidecar;
    private readonly HttpClient? _ownedHttp;

    private ActorTestHost(ActorId id, ActorTestHostOptions options)
    {
        Id = id;
        options.Runtime.RegisterActor<TActor>(options.ActorType);
        var services = new ServiceCollection();
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(options.LoggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // The same turn metrics as a hosted runtime, so tests can observe them with a MeterListener.
        services.AddMetrics();
        services.AddSingleton<SidecarMetrics>();
        options.ConfigureServices?.Invoke(services);
        _services = services.BuildServiceProvider();

        var proxies = options.ProxyFactory;
        if (proxies is null)
        {
            _ownedHttp = new HttpClient();
            proxies = new ActorProxyFactory(new SidecarClient(_ownedHttp, new SidecarOptions()));
        }

        _sidecar = new InMemoryActorSidecar();
        var runtimeServices = new ActorRuntimeServices(_sidecar, _sidecar, proxies, new ActorTurnContext(), options.LoggerFactory, options.TimeProvider, SidecarJson.Options);
        _runtime = new ActorRuntime(options.Runtime, _services, runtimeServices);
        _type = _runtime.GetActorType(options.Runtime.Registrations[0].TypeName);
    }

    public ActorId Id { get; }

    public string ActorType => _type.TypeName;

    public bool IsActive => _runtime.IsActive(ActorType, Id);

    /// <summary>Actor state transactions committed so far (one per turn that changed something).</summary>
    public int SaveCount => _sidecar.SaveCount;

    /// <summary>The stored state of this actor: key → JSON text, as the state store would hold it.</summary>
    public IReadOnlyDictionary<string, string> State => _sidecar.StateOf(ActorType, Id);

    public IReadOnlyDictionary<string, ActorReminder> Reminders => _sidecar.RemindersOf(ActorType, Id);

    public IReadOnlyDictionary<string, ActorTimer> Timers => _sidecar.TimersOf(ActorType, Id);

    public static ActorTestHost<TActor> Create(ActorId? id = null, Action<ActorTestHostOptions>? configure = null)
    {
        var options = new ActorTestHostOptions();
        configure?.Invoke(options);
        return new ActorTestHost<TActor>(id ?? ActorId.CreateRandom(), options);
    }

    /// <summary>Reads stored state (null/default when missing).</summary>
    public T? ReadState<T>(string key) =>
        State.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<T>(json, SidecarJson.Options) : default;

    /// <summary>Puts a value in the store before the actor reads it (e.g. state left by an earlier activation).</summary>
    public void SeedState<T>(string key, T value) =>
        _sidecar.Put(ActorType, Id, key, JsonSerializer.SerializeToUtf8Bytes(value, SidecarJson.Options));

    public Task<TResult> CallAsync<TResult>(Func<TActor, Task<TResult>> call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _runtime.RunTurnAsync(_type, Id, ActorCallKind.Method, reentrancyId: null, (actor, _) => call((TActor)actor), ct);
    }

    public Task CallAsync(Func<TActor, Task> call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _runtime.RunTurnAsync(_type, Id, ActorCallKind.Method, reentrancyId: null, async (actor, _) =>
        {
            await call((TActor)actor);
            return true;
        }, ct);
    }

    /// <summary>Calls an actor interface method by name with a JSON body, as daprd would; returns the JSON result (null for Task).</summary>
    public async Task<string?> InvokeMethodAsync(string method, string? jsonBody = null, CancellationToken ct = default)
    {
        var body = jsonBody is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(jsonBody);
        var result = await _runtime.InvokeMethodAsync(ActorType, Id, method, body, reentrancyId: null, ct);
        return result is null ? null : Encoding.UTF8.GetString(result);
    }

    /// <summary>Fires a registered reminder now. A one-shot reminder, or one the actor cancelled, is removed; returns whether the actor cancelled it.</summary>
    public async Task<bool> FireReminderAsync(string name, CancellationToken ct = default)
    {
        var reminder = Reminders.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException($"No reminder '{name}' is registered.");
        var cancelled = await _runtime.FireReminderAsync(ActorType, Id, name, reminder.State, reminder.DueTime, reminder.Period, reentrancyId: null, ct);
        if (cancelled || reminder.Period <= TimeSpan.Zero)
        {
            await _sidecar.UnregisterReminderAsync(ActorType, Id, name, ct);
        }

        return cancelled;
    }

    /// <summary>Fires a registered timer now. A one-shot timer, or one the actor cancelled, is removed; returns whether the actor cancelled it.</summary>
    public async Task<bool> FireTimerAsync(string name, CancellationToken ct = default)
    {
        var timer = Timers.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException($"No timer '{name}' is registered.");
        var cancelled = await _runtime.FireTimerAsync(ActorType, Id, timer.Callback, timer.State, reentrancyId: null, ct);
        if (cancelled || timer.Period <= TimeSpan.Zero)
        {
            await _sidecar.UnregisterTimerAsync(ActorType, Id, name, ct);
        }

        return cancelled;
    }

    /// <summary>Deactivates the actor as daprd's DELETE would; timers go with the activation, reminders and state stay.</summary>
    public async Task DeactivateAsync(CancellationToken ct = default)
    {
        if (await _runtime.DeactivateAsync(ActorType, Id, ct))
        {
            _sidecar.DropTimers(ActorType, Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DeactivateAsync();
        await _services.DisposeAsync();
        _ownedHttp?.Dispose();
    }
}

/// <summary>The sidecar's actor state and reminder/timer registries, in memory, for <see cref="ActorTestHost{TActor}"/>.</summary>
internal sealed class InMemoryActorSidecar : IActorStateStore, IActorCallbackScheduler
{
    private readonly ConcurrentDictionary<(string Type, string Id, string Key), byte[]> _state = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), ActorReminder> _reminders = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), ActorTimer> _timers = new();
    private int _saveCount;

    public int SaveCount => Volatile.Read(ref _saveCount);

    public Task<byte[]?> GetAsync(string actorType, ActorId id, string key, CancellationToken ct) =>
        Task.FromResult(_state.TryGetValue((actorType, id.Value, key), out var value) ? value : null);

    public Task SaveAsync(string actorType, ActorId id, IReadOnlyList<ActorStateOperation> operations, CancellationToken ct)
    {
        foreach (var operation in operations)
        {
            if (operation.Operation == ActorStateOperation.Delete)
            {
                _state.TryRemove((actorType, id.Value, operation.Key), out _);
            }
            else
            {
                Put(actorType, id, operation.Key, JsonSerializer.SerializeToUtf8Bytes(operation.Value, SidecarJson.Options));
            }
        }

        Interlocked.Increment(ref _saveCount);
        return Task.CompletedTask;
    }

    public void Put(string actorType, ActorId id, string key, byte[] json) => _state[(actorType, id.Value, key)] = json;

    public IReadOnlyDictionary<string, string> StateOf(string actorType, ActorId id) =>
        _state.Where(e => e.Key.Type == actorType && e.Key.Id == id.Value).ToDictionary(e => e.Key.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ActorReminder> RemindersOf(string actorType, ActorId id) =>
        _reminders.Where(e => e.Key.Type == actorType && e.Key.Id == id.Value).ToDictionary(e => e.Key.Name, e => e.Value, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ActorTimer> TimersOf(string actorType, ActorId id) =>
        _timers.Where(e => e.Key.Type == actorType && e.Key.Id == id.Value).ToDictionary(e => e.Key.Name, e => e.Value, StringComparer.Ordinal);

    public void DropTimers(string actorType, ActorId id)
    {
        foreach (var key in _timers.Keys.Where(k => k.Type == actorType && k.Id == id.Value))
        {
            _timers.TryRemove(key, out _);
        }
    }

    public Task RegisterReminderAsync(string actorType, ActorId id, ActorReminder reminder, CancellationToken ct)
    {
        _reminders[(actorType, id.Value, reminder.Name)] = reminder;
        return Task.CompletedTask;
    }

    public Task UnregisterReminderAsync(string actorType, ActorId id, string name, CancellationToken ct)
    {
        _reminders.TryRemove((actorType, id.Value, name), out _);
        return Task.CompletedTask;
    }

    public Task RegisterTimerAsync(string actorType, ActorId id, ActorTimer timer, CancellationToken ct)
    {
        _timers[(actorType, id.Value, timer.Name)] = timer;
        return Task.CompletedTask;
    }

    public Task UnregisterTimerAsync(string actorType, ActorId id, string name, CancellationToken ct)
    {
        _timers.TryRemove((actorType, id.Value, name), out _);
        return Task.CompletedTask;
    }
}
