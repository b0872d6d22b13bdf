using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>
/// Base class for actors. The runtime creates one instance per active actor id, activates it on its first call,
/// and runs one turn at a time on it; state changes made in a turn are saved together when the turn succeeds.
/// </summary>
public abstract class Actor
{
    protected Actor(ActorHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
        StateManager = new ActorStateManager(host.ActorType, host.Id, host.Services.StateStore, host.JsonSerializerOptions);
        Logger = host.LoggerFactory.CreateLogger(GetType());
    }

    public ActorHost Host { get; }

    public ActorId Id => Host.Id;

    public string ActorType => Host.ActorType;

    public IActorStateManager StateManager { get; }

    protected ILogger Logger { get; }

    protected ActorProxyFactory ProxyFactory => Host.ProxyFactory;

    /// <summary>Runs inside the first turn of an activation, before the call that caused it.</summary>
    protected virtual Task OnActivateAsync() => Task.CompletedTask;

    /// <summary>Runs when daprd (DELETE /actors/{type}/{id}) or the app's idle scan deactivates the actor.</summary>
    protected virtual Task OnDeactivateAsync() => Task.CompletedTask;

    // The runtime's entry points; the hooks stay protected as in Dapr's SDK.
    internal Task ActivateAsync() => OnActivateAsync();

    internal Task DeactivateAsync() => OnDeactivateAsync();

    /// <summary>
    /// A timer calls <paramref name="callbackMethod"/> (an instance method returning Task, taking nothing or byte[]? state)
    /// after <paramref name="dueTime"/>, then every <paramref name="period"/> (zero or negative: once) while the actor is active.
    /// </summary>
    protected async Task RegisterTimerAsync(string name, string callbackMethod, byte[]? state, TimeSpan dueTime, TimeSpan period, TimeSpan? ttl = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(callbackMethod);
        if (Host.TypeInfo.FindTimerCallback(callbackMethod) is null)
        {
            throw new ArgumentException($"Actor type {ActorType} has no method '{callbackMethod}' returning Task and taking no parameter or a byte[].", nameof(callbackMethod));
        }

        await Host.Services.Scheduler.RegisterTimerAsync(ActorType, Id, new ActorTimer(name, callbackMethod, state, dueTime, period, ttl), ct);
    }

    protected Task UnregisterTimerAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Host.Services.Scheduler.UnregisterTimerAsync(ActorType, Id, name, ct);
    }

    /// <summary>A durable reminder: daprd calls <see cref="IRemindable.ReceiveReminderAsync"/> even if the actor was deactivated meanwhile.</summary>
    protected async Task RegisterReminderAsync(string name, byte[]? state, TimeSpan dueTime, TimeSpan period, TimeSpan? ttl = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"Actor type {ActorType} must implement {nameof(IRemindable)} to receive reminders.");
        }

        await Host.Services.Scheduler.RegisterReminderAsync(ActorType, Id, new ActorReminder(name, state, dueTime, period, ttl), ct);
    }

    protected Task UnregisterReminderAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Host.Services.Scheduler.UnregisterReminderAsync(ActorType, Id, name, ct);
    }

    /// <summary>
    /// Called from a reminder or timer callback: asks daprd to stop that reminder or timer
    /// (the callback answers with X-DaprReminderCancel: true).
    /// </summary>
    protected void CancelCurrentReminderOrTimer()
    {
        var turn = Host.Services.Turns.Current;
        if (turn is null || turn.Kind is not (ActorCallKind.Reminder or ActorCallKind.Timer) || turn.Id != Id || turn.ActorType != ActorType)
        {
            throw new InvalidOperationException("Only a reminder or timer callback of this actor can cancel itself.");
        }

        turn.CancelCallback = true;
    }
}
