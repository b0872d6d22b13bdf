using System.Collections.Concurrent;
using System.Text;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprPlatform.Conformance.Contracts;

namespace DaprPlatform.Conformance.SdkApp;

/// <summary>Actor log channel: "actor:{type}:{id}".</summary>
public static class ActorLog
{
    public static string Channel(ActorHost host) => $"actor:{host.ActorTypeInfo.ActorTypeName}:{host.Id.GetId()}";
}

/// <summary>Logs "activate" and "deactivate" to the actor's channel.</summary>
public abstract class RecordingActor(ActorHost host, Recorder recorder) : Actor(host)
{
    protected Recorder Recorder { get; } = recorder;

    protected override Task OnActivateAsync()
    {
        Recorder.Add(ActorLog.Channel(Host), "activate");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        Recorder.Add(ActorLog.Channel(Host), "deactivate");
        return Task.CompletedTask;
    }
}

public sealed class CounterActor(ActorHost host, Recorder recorder) : RecordingActor(host, recorder), ICounterActor, IRemindable
{
    private static readonly ConcurrentDictionary<string, int> InFlight = new(StringComparer.Ordinal);

    public async Task<int> IncrementAsync(int by)
    {
        var count = await StateManager.GetOrAddStateAsync("count", 0) + by;
        await StateManager.SetStateAsync("count", count);
        return count;
    }

    public Task<int> GetCountAsync() => StateManager.GetOrAddStateAsync("count", 0);

    public Task SetEphemeralAsync(int ttlSeconds) => StateManager.SetStateAsync("ephemeral", "here", TimeSpan.FromSeconds(ttlSeconds));

    public async Task SaveManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await StateManager.SetStateAsync($"k{i}", $"v{i}");
        }

        await StateManager.TryRemoveStateAsync("count");
        await StateManager.SaveStateAsync();
    }

    public async Task<int> HoldTurnAsync(int milliseconds)
    {
        var key = Id.GetId();
        var inFlight = InFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
        Recorder.Add(ActorLog.Channel(Host), "enter");
        try
        {
            await Task.Delay(milliseconds);
            return inFlight;
        }
        finally
        {
            Recorder.Add(ActorLog.Channel(Host), "exit");
            InFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }

    public Task StartTimerAsync(string name) =>
        RegisterTimerAsync(name, nameof(OnTimerAsync), Encoding.UTF8.GetBytes(name), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300));

    public Task StopTimerAsync(string name) => UnregisterTimerAsync(name);

    public Task OnTimerAsync(byte[] state)
    {
        Recorder.Add(ActorLog.Channel(Host), "timer:" + Encoding.UTF8.GetString(state));
        return Task.CompletedTask;
    }

    public Task StartReminderAsync(string name) =>
        RegisterReminderAsync(name, Encoding.UTF8.GetBytes(name), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));

    public Task StopReminderAsync(string name) => UnregisterReminderAsync(name);

    public Task StartTwiceReminderAsync(string name) =>
        RegisterReminderAsync(name, Encoding.UTF8.GetBytes(name), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), repetitions: 2);

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        Recorder.Add(ActorLog.Channel(Host), $"reminder:{reminderName}:{Encoding.UTF8.GetString(state)}");
        return Task.CompletedTask;
    }

    public Task FailAsync(string message) => throw new InvalidOperationException(message);
}

public sealed class ReentrantActor(ActorHost host) : Actor(host), IReentrantActor
{
    public async Task<string> CallPartnerAsync(string partnerId)
    {
        var partner = ProxyFactory.CreateActorProxy<IReentrantActor>(new ActorId(partnerId), nameof(ReentrantActor));
        return await partner.CallBackAsync(Id.GetId());
    }

    public async Task<string> CallBackAsync(string callerId)
    {
        var caller = ProxyFactory.CreateActorProxy<IReentrantActor>(new ActorId(callerId), nameof(ReentrantActor));
        return await caller.EchoAsync($"via {Id.GetId()}");
    }

    public Task<string> EchoAsync(string text) => Task.FromResult($"{Id.GetId()} {text}");
}

public sealed class IdleActor(ActorHost host, Recorder recorder) : RecordingActor(host, recorder), IIdleActor
{
    public Task<string> PingAsync()
    {
        Recorder.Add(ActorLog.Channel(Host), "ping");
        return Task.FromResult("pong");
    }
}
