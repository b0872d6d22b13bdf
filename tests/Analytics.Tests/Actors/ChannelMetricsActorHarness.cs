using System.Reflection;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Tests.Actors;

/// <summary>
/// One <see cref="ChannelMetricsActor"/> on the SDK's test host (<see cref="ActorHost.CreateForTest{TActor}(string, ActorTestOptions)"/>),
/// driven as the actor runtime drives it: activation before the first call, the state manager saved after each successful
/// turn and its cache cleared after a failed one, reminders recorded instead of sent to a sidecar. History goes to a real database.
/// </summary>
public sealed class ChannelMetricsActorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ActorHost _host;
    private readonly TimeProvider _time;
    private ChannelMetricsActor? _actor;

    public ChannelMetricsActorHarness(Guid channelId, TimeProvider time, string connectionString)
    {
        _time = time;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddDbContext<AnalyticsDbContext>(db => db.UseNpgsql(connectionString));
        services.AddOutbox<AnalyticsDbContext>();
        services.AddScoped<MetricsHistory>();
        services.AddScoped<OwnerPlans>();
        _services = services.BuildServiceProvider();
        _host = ActorHost.CreateForTest<ChannelMetricsActor>(ChannelMetricsActor.TypeName, new ActorTestOptions
        {
            ActorId = new ActorId(channelId.ToString()),
            TimerManager = Reminders,
        });
    }

    public InMemoryActorState State { get; } = new();

    public RecordingReminders Reminders { get; } = new();

    public bool IsActive => _actor is not null;

    public async Task<T> CallAsync<T>(Func<IChannelMetrics, Task<T>> call)
    {
        var actor = await ActivateAsync();
        return await TurnAsync(() => call(actor));
    }

    public async Task FireReminderAsync(string name)
    {
        var actor = await ActivateAsync();
        var reminder = Reminders.Registered[name];
        await TurnAsync(async () =>
        {
            await ((IRemindable)actor).ReceiveReminderAsync(name, reminder.State, reminder.DueTime, reminder.Period);
            return true;
        });
    }

    /// <summary>Idle timeout or graceful shutdown: the runtime calls OnDeactivateAsync and saves.</summary>
    public async Task DeactivateAsync()
    {
        if (_actor is { } actor)
        {
            await TurnAsync(async () => { await InvokeLifecycleAsync(actor, "OnDeactivateAsync"); return true; });
            _actor = null;
            await State.ClearCacheAsync();
        }
    }

    /// <summary>The process dies: memory and unsaved changes are gone, the store and the reminders stay.</summary>
    public async Task CrashAsync()
    {
        _actor = null;
        await State.ClearCacheAsync();
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private async Task<ChannelMetricsActor> ActivateAsync()
    {
        if (_actor is not null)
        {
            return _actor;
        }

        var actor = new ChannelMetricsActor(
            _host,
            _services.GetRequiredService<IServiceScopeFactory>(),
            _time,
            Options.Create(new ChannelMetricsOptions()),
            stateManager: State);
        await TurnAsync(async () => { await InvokeLifecycleAsync(actor, "OnActivateAsync"); return true; });
        return _actor = actor;
    }

    private async Task<T> TurnAsync<T>(Func<Task<T>> turn)
    {
        try
        {
            var result = await turn();
            await State.SaveStateAsync();
            return result;
        }
        catch
        {
            await State.ClearCacheAsync();
            throw;
        }
    }

    /// <summary>The lifecycle callbacks are protected; the runtime reaches them through internal members.</summary>
    private static Task InvokeLifecycleAsync(Actor actor, string method) =>
        (Task)typeof(ChannelMetricsActor).GetMethod(method, BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(actor, null)!;
}

/// <summary>The reminders an actor registered, as the sidecar would keep them.</summary>
public sealed class RecordingReminders : ActorTimerManager
{
    public Dictionary<string, ActorReminder> Registered { get; } = new(StringComparer.Ordinal);

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        Registered[reminder.Name] = reminder;
        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) =>
        Task.FromResult<IActorReminder>(Registered.GetValueOrDefault(reminder.Name)!);

    public override Task UnregisterReminderAsync(ActorReminderToken reminder)
    {
        Registered.Remove(reminder.Name);
        return Task.CompletedTask;
    }

    public override Task RegisterTimerAsync(ActorTimer timer) => throw new NotSupportedException("ChannelMetricsActor uses reminders only.");

    public override Task UnregisterTimerAsync(ActorTimerToken timer) => throw new NotSupportedException("ChannelMetricsActor uses reminders only.");
}
