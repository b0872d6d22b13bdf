namespace DaprPlatform.Sidecar.Actors;

internal enum ActorCallKind
{
    Method,
    Reminder,
    Timer,
    Activation,
    Deactivation,
}

/// <summary>The turn an actor is executing: what called it, the reentrancy chain it belongs to, and what it asked of daprd.</summary>
internal sealed class ActorTurn
{
    public ActorTurn(string actorType, ActorId id, ActorCallKind kind, string? reentrancyId)
    {
        ActorType = actorType;
        Id = id;
        Kind = kind;
        ReentrancyId = reentrancyId;
    }

    public string ActorType { get; }

    public ActorId Id { get; }

    public ActorCallKind Kind { get; }

    public string? ReentrancyId { get; }

    /// <summary>Set by the actor during a reminder or timer callback; answered with X-DaprReminderCancel: true.</summary>
    public bool CancelCallback { get; set; }
}

/// <summary>
/// The turn running on the current async flow, so outgoing proxy calls can carry its Dapr-Reentrancy-Id.
/// An instance per runtime (not a static) keeps two hosts in one process apart.
/// </summary>
internal sealed class ActorTurnContext
{
    private readonly AsyncLocal<ActorTurn?> _current = new();

    public ActorTurn? Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }
}

/// <summary>Registers and removes reminders and timers: through the sidecar, or in memory in the test host.</summary>
internal interface IActorCallbackScheduler
{
    Task RegisterReminderAsync(string actorType, ActorId id, ActorReminder reminder, CancellationToken ct);

    Task UnregisterReminderAsync(string actorType, ActorId id, string name, CancellationToken ct);

    Task RegisterTimerAsync(string actorType, ActorId id, ActorTimer timer, CancellationToken ct);

    Task UnregisterTimerAsync(string actorType, ActorId id, string name, CancellationToken ct);
}
