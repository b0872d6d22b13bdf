using System.Collections.Concurrent;
using System.Text;
using DaprPlatform.Sidecar.Actors;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>What the test actors saw, shared through DI so tests can assert on it.</summary>
public sealed class ActorProbe
{
    private int _running;
    private int _maxRunning;

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentDictionary<string, ConcurrentQueue<string>> TurnLog { get; } = new();

    public int MaxConcurrentTurns => Volatile.Read(ref _maxRunning);

    public void Record(string entry) => Events.Enqueue(entry);

    public int Count(string entry) => Events.Count(e => e == entry);

    public void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        int max;
        while (running > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _running);
}

public sealed record Greeting(string Name, int Times);

public sealed record ScheduleRequest(string Name, string? Text, int DueMs, int PeriodMs);

public interface ICounterActor : IActor
{
    Task<int> IncrementAsync(int by);

    Task<int> GetAsync();

    Task ResetAsync();

    Task FailAfterWriteAsync(int value);

    Task<string> GreetAsync(Greeting greeting, CancellationToken ct);

    Task WriteManyAsync();

    Task ScheduleReminderAsync(ScheduleRequest request);

    Task ScheduleTimerAsync(ScheduleRequest request);
}

public sealed class CounterActor(ActorHost host, ActorProbe probe) : Actor(host), ICounterActor, IRemindable
{
    public async Task<int> IncrementAsync(int by)
    {
        var value = await StateManager.GetOrAddStateAsync("count", 0) + by;
        await StateManager.SetStateAsync("count", value);
        return value;
    }

    public async Task<int> GetAsync() => (await StateManager.TryGetStateAsync<int>("count")).Value;

    public async Task ResetAsync() => await StateManager.TryRemoveStateAsync("count");

    public async Task FailAfterWriteAsync(int value)
    {
        await StateManager.SetStateAsync("count", value);
        throw new InvalidOperationException("boom after write");
    }

    public Task<string> GreetAsync(Greeting greeting, CancellationToken ct) =>
        Task.FromResult(string.Join(' ', Enumerable.Repeat($"hello {greeting.Name}", greeting.Times)));

    public async Task WriteManyAsync()
    {
        await StateManager.SetStateAsync("a", "first");
        await StateManager.SetStateAsync("b", new Greeting("bee", 2));
        await StateManager.SetStateAsync("a", "second");
        await StateManager.TryRemoveStateAsync("gone");
    }

    public Task ScheduleReminderAsync(ScheduleRequest request) =>
        RegisterReminderAsync(request.Name, request.Text is null ? null : Encoding.UTF8.GetBytes(request.Text), TimeSpan.FromMilliseconds(request.DueMs), TimeSpan.FromMilliseconds(request.PeriodMs));

    public Task ScheduleTimerAsync(ScheduleRequest request) =>
        RegisterTimerAsync(request.Name, nameof(OnTickAsync), request.Text is null ? null : Encoding.UTF8.GetBytes(request.Text), TimeSpan.FromMilliseconds(request.DueMs), TimeSpan.FromMilliseconds(request.PeriodMs));

    public async Task ReceiveReminderAsync(string reminderName, byte[]? state, TimeSpan dueTime, TimeSpan period)
    {
        probe.Record($"reminder:{Id}:{reminderName}:{(state is null ? "null" : Encoding.UTF8.GetString(state))}:{dueTime}:{period}");
        await StateManager.SetStateAsync("lastReminder", reminderName);
        if (reminderName.StartsWith("stop", StringComparison.Ordinal))
        {
            CancelCurrentReminderOrTimer();
        }
    }

    protected override Task OnActivateAsync()
    {
        probe.Record($"activate:{Id}");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        probe.Record($"deactivate:{Id}");
        return Task.CompletedTask;
    }

    private Task OnTickAsync(byte[]? state)
    {
        probe.Record($"tick:{Id}:{(state is null ? "null" : Encoding.UTF8.GetString(state))}");
        if (state is not null && Encoding.UTF8.GetString(state) == "stop")
        {
            CancelCurrentReminderOrTimer();
        }

        return Task.CompletedTask;
    }
}

public interface ITurnRecorder : IActor
{
    Task RecordAsync(string tag);
}

/// <summary>Writes enter/exit around a pause: interleaved entries would prove two turns overlapped on one id.</summary>
public sealed class TurnRecorderActor(ActorHost host, ActorProbe probe) : Actor(host), ITurnRecorder
{
    public async Task RecordAsync(string tag)
    {
        var log = probe.TurnLog.GetOrAdd(Id.Value, _ => new ConcurrentQueue<string>());
        probe.Enter();
        log.Enqueue("enter:" + tag);
        await Task.Delay(40);
        log.Enqueue("exit:" + tag);
        probe.Exit();
    }
}

public interface IReentrantActor : IActor
{
    Task<int> OuterAsync(int depth);

    Task<int> InnerAsync();

    Task<int> RecurseAsync(int remaining);
}

/// <summary>Calls itself through the sidecar from inside a turn (A → A), which only completes with reentrancy.</summary>
public sealed class ReentrantActor(ActorHost host) : Actor(host), IReentrantActor
{
    public async Task<int> OuterAsync(int depth)
    {
        await StateManager.SetStateAsync("outer", depth);
        var self = ProxyFactory.CreateActorProxy<IReentrantActor>(Id, ActorType);
        return await self.InnerAsync() + depth;
    }

    public Task<int> InnerAsync() => Task.FromResult(100);

    public async Task<int> RecurseAsync(int remaining) =>
        remaining == 0 ? 0 : 1 + await ProxyFactory.CreateActorProxy<IReentrantActor>(Id, ActorType).RecurseAsync(remaining - 1);
}
