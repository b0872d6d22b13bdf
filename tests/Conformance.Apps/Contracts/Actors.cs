using Dapr.Actors;

namespace DaprPlatform.Conformance.Contracts;

/// <summary>Everything the suite drives on an actor. Each method takes at most one argument, so remoting and non-remoting proxies can both call it.</summary>
public interface ICounterActor : IActor
{
    Task<int> IncrementAsync(int by);

    Task<int> GetCountAsync();

    /// <summary>Sets "ephemeral" with a TTL (state manager TTL overload); the state is saved at the end of the turn.</summary>
    Task SetEphemeralAsync(int ttlSeconds);

    /// <summary>Sets k0..k{count-1}, removes "count", and saves everything in one SaveStateAsync (one transaction).</summary>
    Task SaveManyAsync(int count);

    /// <summary>Holds the turn for <paramref name="milliseconds"/>; returns how many turns of this actor were in flight when it started (itself included).</summary>
    Task<int> HoldTurnAsync(int milliseconds);

    Task StartTimerAsync(string name);

    Task StopTimerAsync(string name);

    Task StartReminderAsync(string name);

    Task StopReminderAsync(string name);

    /// <summary>A reminder that fires twice (repetitions: 2), 1 s apart (the SDK refuses sub-second periods with repetitions).</summary>
    Task StartTwiceReminderAsync(string name);

    /// <summary>Throws: the caller sees the actor method's failure.</summary>
    Task FailAsync(string message);
}

public interface IReentrantActor : IActor
{
    /// <summary>Calls <paramref name="partnerId"/>, which calls this actor back while this turn is still open.</summary>
    Task<string> CallPartnerAsync(string partnerId);

    Task<string> CallBackAsync(string callerId);

    Task<string> EchoAsync(string text);
}

public interface IIdleActor : IActor
{
    Task<string> PingAsync();
}

/// <summary>Actor type names as registered by the app (the SDK's default: the class name).</summary>
public static class ActorTypes
{
    public const string Counter = "CounterActor";
    public const string Reentrant = "ReentrantActor";
    public const string Idle = "IdleActor";
}
