namespace DaprPlatform.Sidecar.Actors;

/// <summary>An actor's identity within its type; the {id} segment of every actor route.</summary>
public readonly record struct ActorId(string Value)
{
    public static ActorId CreateRandom() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value;
}

/// <summary>
/// Marker for actor interfaces. Their methods return Task or Task&lt;T&gt; and take at most one data parameter
/// (sent as the JSON body), optionally followed by a CancellationToken.
/// </summary>
#pragma warning disable CA1040 // A marker interface is the point: the proxy and the runtime find actor methods through it.
public interface IActor;
#pragma warning restore CA1040

/// <summary>Implemented by actors that register reminders; daprd calls it on PUT …/method/remind/{name}.</summary>
public interface IRemindable
{
    Task ReceiveReminderAsync(string reminderName, byte[]? state, TimeSpan dueTime, TimeSpan period);
}

/// <summary>A reminder as registered through the sidecar (durable: survives deactivation and restarts).</summary>
public sealed record ActorReminder(string Name, byte[]? State, TimeSpan DueTime, TimeSpan Period, TimeSpan? Ttl = null);

/// <summary>A timer as registered through the sidecar (lives only while the actor is active).</summary>
public sealed record ActorTimer(string Name, string Callback, byte[]? State, TimeSpan DueTime, TimeSpan Period, TimeSpan? Ttl = null);

/// <summary>Reentrancy as advertised in GET /dapr/config; daprd's default depth is 32.</summary>
public sealed class ActorReentrancyConfig
{
    public bool Enabled { get; set; }

    public int? MaxStackDepth { get; set; } = 32;
}
