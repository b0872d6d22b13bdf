using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>The callback or method asked for does not exist: daprd treats the 404 as permanent.</summary>
internal sealed class ActorNotFoundException(string message) : Exception(message);

/// <summary>The request body could not be read as the method's parameter.</summary>
internal sealed class ActorBadRequestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Hosts the registered actor types: activation table per type, one turn at a time per id (re-entry allowed for the
/// turn's own reentrancy chain), state flushed at the end of each successful turn, idle deactivation.
/// </summary>
internal sealed class ActorRuntime
{
    private readonly Dictionary<string, ActorTypeInfo> _types;
    private readonly ConcurrentDictionary<(string Type, string Id), ActorActivation> _activations = new();
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly SidecarMetrics? _metrics;

    public ActorRuntime(ActorRuntimeOptions options, IServiceProvider services, ActorRuntimeServices runtimeServices)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _services = services;
        RuntimeServices = runtimeServices;
        _types = options.Registrations.ToDictionary(r => r.TypeName, ActorTypeInfo.Create, StringComparer.Ordinal);
        _logger = runtimeServices.LoggerFactory.CreateLogger("DaprPlatform.Sidecar.Actors");
        _metrics = services.GetService<SidecarMetrics>();
    }

    public ActorRuntimeOptions Options { get; }

    public ActorRuntimeServices RuntimeServices { get; }

    public IReadOnlyCollection<string> ActorTypes => _types.Keys;

    public bool IsActive(string actorType, ActorId id) => _activations.ContainsKey((actorType, id.Value));

    public int ActiveCount => _activations.Count;

    public ActorTypeInfo GetActorType(string actorType) =>
        _types.TryGetValue(actorType, out var type) ? type : throw new ActorNotFoundException($"Actor type '{actorType}' is not hosted by this app.");

    /// <summary>PUT /actors/{type}/{id}/method/{method}: the JSON result, or null for a method returning plain Task.</summary>
    public Task<byte[]?> InvokeMethodAsync(string actorType, ActorId id, string methodName, ReadOnlyMemory<byte> body, string? reentrancyId, CancellationToken ct)
    {
        var type = GetActorType(actorType);
        if (!type.TryGetMethod(methodName, out var method))
        {
            throw new ActorNotFoundException($"Actor type '{actorType}' has no method '{methodName}'.");
        }

        var data = ReadData(method, body);
        return RunTurnAsync(type, id, ActorCallKind.Method, reentrancyId, (actor, _) => method.InvokeAsync(actor, data, RuntimeServices.Json, ct), ct, methodName);
    }

    /// <summary>PUT …/method/remind/{name}: true when the actor asked daprd to cancel the reminder.</summary>
    public Task<bool> FireReminderAsync(string actorType, ActorId id, string reminderName, byte[]? data, TimeSpan dueTime, TimeSpan period, string? reentrancyId, CancellationToken ct)
    {
        var type = GetActorType(actorType);
        if (!type.IsRemindable)
        {
            throw new ActorNotFoundException($"Actor type '{actorType}' does not implement {nameof(IRemindable)}.");
        }

        return RunTurnAsync(type, id, ActorCallKind.Reminder, reentrancyId, async (actor, turn) =>
        {
            await ((IRemindable)actor).ReceiveReminderAsync(reminderName, data, dueTime, period);
            return turn.CancelCallback;
        }, ct, reminderName);
    }

    /// <summary>PUT …/method/timer/{name}: runs the callback method named in the timer body.</summary>
    public Task<bool> FireTimerAsync(string actorType, ActorId id, string callback, byte[]? data, string? reentrancyId, CancellationToken ct)
    {
        var type = GetActorType(actorType);
        var method = type.FindTimerCallback(callback)
            ?? throw new ActorNotFoundException($"Actor type '{actorType}' has no timer callback '{callback}'.");
        object?[] arguments = method.GetParameters().Length == 0 ? [] : [data];
        return RunTurnAsync(type, id, ActorCallKind.Timer, reentrancyId, async (actor, turn) =>
        {
            await (Task)method.Invoke(actor, System.Reflection.BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
            return turn.CancelCallback;
        }, ct, callback);
    }

    /// <summary>Runs <paramref name="body"/> as one turn of the actor (activating it first if needed); <paramref name="method"/> names it in telemetry.</summary>
    public async Task<TResult> RunTurnAsync<TResult>(ActorTypeInfo type, ActorId id, ActorCallKind kind, string? reentrancyId, Func<Actor, ActorTurn, Task<TResult>> body, CancellationToken ct, string? method = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id.Value, nameof(id));
        var reentrancy = Options.Reentrancy;
        while (true)
        {
            var activation = _activations.GetOrAdd((type.TypeName, id.Value), _ => new ActorActivation());
            Interlocked.Increment(ref activation.PendingCalls);
            try
            {
                // A call carrying the reentrancy id of the turn in progress is part of that turn's call chain
                // (A → B → A); waiting for the lock would deadlock it, so it runs inside the turn.
                var reentered = reentrancy.Enabled && reentrancyId is not null
                    && string.Equals(Volatile.Read(ref activation.ReentrancyId), reentrancyId, StringComparison.Ordinal);
                if (!reentered)
                {
                    await activation.TurnLock.WaitAsync(ct);
                }

                var depthTaken = false;
                try
                {
                    if (activation.Deactivated)
                    {
                        // Deactivated while we waited: start over on a fresh activation.
                        continue;
                    }

                    if (reentered)
                    {
                        depthTaken = true;
                        var depth = Interlocked.Increment(ref activation.ReentrantDepth);
                        if (reentrancy.MaxStackDepth is { } max && depth > max)
                        {
                            throw new InvalidOperationException($"Reentrant call chain on actor {type.TypeName}/{id} exceeds the maximum stack depth {max}.");
                        }
                    }
                    else
                    {
                        Volatile.Write(ref activation.ReentrancyId, reentrancyId);
                    }

                    return await RunInstrumentedTurnAsync(activation, type, id, new ActorTurn(type.TypeName, id, kind, reentrancyId), saveState: !reentered, body, method ?? kind.ToString());
                }
                finally
                {
                    activation.LastUsed = RuntimeServices.TimeProvider.GetUtcNow();
                    if (depthTaken)
                    {
                        Interlocked.Decrement(ref activation.ReentrantDepth);
                    }

                    if (!reentered)
                    {
                        Volatile.Write(ref activation.ReentrancyId, null);
                        activation.TurnLock.Release();
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref activation.PendingCalls);
            }
        }
    }

    /// <summary>DELETE /actors/{type}/{id} (or the idle scan): false when the actor was not active.</summary>
    public Task<bool> DeactivateAsync(string actorType, ActorId id, CancellationToken ct)
    {
        GetActorType(actorType);
        return DeactivateAsync(actorType, id, onlyIfIdleSince: null, ct);
    }

    /// <summary>
    /// Deactivates every active actor, each after its turn in progress: on a graceful stop, so OnDeactivateAsync can save
    /// what an actor keeps only in memory (a restart then loses nothing). Returns how many were deactivated.
    /// </summary>
    public async Task<int> DeactivateAllAsync(CancellationToken ct)
    {
        var deactivated = 0;
        foreach (var ((type, id), _) in _activations)
        {
            if (await DeactivateAsync(type, new ActorId(id), onlyIfIdleSince: null, ct)) { deactivated++; }
        }

        return deactivated;
    }

    /// <summary>Deactivates every actor with no call in flight and no turn for at least the idle timeout.</summary>
    public async Task<int> DeactivateIdleAsync(CancellationToken ct)
    {
        var cutoff = RuntimeServices.TimeProvider.GetUtcNow() - Options.ActorIdleTimeout;
        var deactivated = 0;
        foreach (var ((type, id), activation) in _activations)
        {
            if (Volatile.Read(ref activation.PendingCalls) == 0 && activation.LastUsed <= cutoff
                && await DeactivateAsync(type, new ActorId(id), cutoff, ct))
            {
                deactivated++;
            }
        }

        return deactivated;
    }

    private async Task<bool> DeactivateAsync(string actorType, ActorId id, DateTimeOffset? onlyIfIdleSince, CancellationToken ct)
    {
        if (!_activations.TryGetValue((actorType, id.Value), out var activation))
        {
            return false;
        }

        await activation.TurnLock.WaitAsync(ct);
        try
        {
            if (activation.Deactivated || (onlyIfIdleSince is { } cutoff && activation.LastUsed > cutoff))
            {
                return false;
            }

            activation.Deactivated = true;
            _activations.TryRemove(new KeyValuePair<(string, string), ActorActivation>((actorType, id.Value), activation));
            if (activation.Actor is { } actor)
            {
                var previous = RuntimeServices.Turns.Current;
                RuntimeServices.Turns.Current = new ActorTurn(actorType, id, ActorCallKind.Deactivation, null);
                try
                {
                    await actor.DeactivateAsync();
                    // Changes made while deactivating would otherwise be lost with the instance.
                    await actor.StateManager.SaveStateAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The actor is gone either way; daprd does not retry a deactivation.
                    _logger.LogError(ex, "Deactivating actor {ActorType}/{ActorId} failed", actorType, id.Value);
                }
                finally
                {
                    RuntimeServices.Turns.Current = previous;
                    await activation.DisposeScopeAsync();
                }
            }

            _logger.LogDebug("Deactivated actor {ActorType}/{ActorId}", actorType, id.Value);
            return true;
        }
        finally
        {
            activation.TurnLock.Release();
        }
    }

    /// <summary>One span and one count per turn, timed from holding the turn (lock waits are not the actor's work).</summary>
    private async Task<TResult> RunInstrumentedTurnAsync<TResult>(ActorActivation activation, ActorTypeInfo type, ActorId id, ActorTurn turn, bool saveState, Func<Actor, ActorTurn, Task<TResult>> body, string method)
    {
        var callKind = turn.Kind.ToString().ToLowerInvariant();
        using var activity = SidecarTelemetry.Source.StartActivity($"{type.TypeName}/{method}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "dapr");
            activity.SetTag("rpc.service", type.TypeName);
            activity.SetTag("rpc.method", method);
            activity.SetTag("dapr.actor.type", type.TypeName);
            activity.SetTag("dapr.actor.id", id.Value);
            activity.SetTag("dapr.actor.method", method);
            activity.SetTag("dapr.actor.call_kind", callKind);
            activity.SetTag("dapr.actor.reentrant", !saveState);
        }

        var started = RuntimeServices.TimeProvider.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await RunInsideTurnAsync(activation, type, id, turn, saveState, body);
            outcome = "success";
            return result;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
        finally
        {
            activity?.SetTag("daprplatform.outcome", outcome);
            _metrics?.ActorTurn(type.TypeName, method, callKind, outcome, RuntimeServices.TimeProvider.GetElapsedTime(started));
        }
    }

    private async Task<TResult> RunInsideTurnAsync<TResult>(ActorActivation activation, ActorTypeInfo type, ActorId id, ActorTurn turn, bool saveState, Func<Actor, ActorTurn, Task<TResult>> body)
    {
        var previous = RuntimeServices.Turns.Current;
        RuntimeServices.Turns.Current = turn;
        Actor? actor = null;
        try
        {
            actor = await EnsureActivatedAsync(activation, type, id);
            var result = await body(actor, turn);
            if (saveState)
            {
                // The turn's work is done; saving must not be abandoned half-way because the caller went away.
                await actor.StateManager.SaveStateAsync(CancellationToken.None);
            }

            return result;
        }
        catch when (saveState && actor is null)
        {
            // Activation failed: forget the id so waiting and later calls start from a fresh activation.
            activation.Deactivated = true;
            _activations.TryRemove(new KeyValuePair<(string, string), ActorActivation>((type.TypeName, id.Value), activation));
            throw;
        }
        catch when (saveState)
        {
            // A failed turn leaves no trace: neither its pending changes nor values it read.
            await actor!.StateManager.ClearCacheAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            RuntimeServices.Turns.Current = previous;
        }
    }

    private async Task<Actor> EnsureActivatedAsync(ActorActivation activation, ActorTypeInfo type, ActorId id)
    {
        if (activation.Actor is { } active)
        {
            return active;
        }

        var scope = _services.CreateAsyncScope();
        try
        {
            var host = new ActorHost(type, id, RuntimeServices);
            var actor = (Actor)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type.ActorClass, host);
            await actor.ActivateAsync();
            activation.Activate(actor, scope);
            _logger.LogDebug("Activated actor {ActorType}/{ActorId}", type.TypeName, id.Value);
            return actor;
        }
        catch
        {
            // Activation failed: the next call tries again with a fresh instance.
            await scope.DisposeAsync();
            throw;
        }
    }

    private object? ReadData(ActorMethod method, ReadOnlyMemory<byte> body)
    {
        if (method.DataType is null)
        {
            return null;
        }

        if (body.IsEmpty)
        {
            if (method.DataType.IsValueType && Nullable.GetUnderlyingType(method.DataType) is null)
            {
                throw new ActorBadRequestException($"Method '{method.Name}' needs a JSON body of type {method.DataType.Name}.");
            }

            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body.Span, method.DataType, RuntimeServices.Json);
        }
        catch (JsonException ex)
        {
            throw new ActorBadRequestException($"The body is not valid JSON for {method.DataType.Name}: {ex.Message}", ex);
        }
    }

    private sealed class ActorActivation
    {
        public readonly SemaphoreSlim TurnLock = new(1, 1);
        public int PendingCalls;
        public string? ReentrancyId;
        public int ReentrantDepth;
        private AsyncServiceScope? _scope;

        public Actor? Actor { get; private set; }

        public bool Deactivated { get; set; }

        public DateTimeOffset LastUsed { get; set; } = DateTimeOffset.MinValue;

        public void Activate(Actor actor, AsyncServiceScope scope)
        {
            Actor = actor;
            _scope = scope;
        }

        public async ValueTask DisposeScopeAsync()
        {
            if (_scope is { } scope)
            {
                _scope = null;
                await scope.DisposeAsync();
            }
        }
    }
}
