using System.Text;
using DaprPlatform.Sidecar.Actors;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Actors;

/// <summary>Unit-testing actors without a sidecar through <see cref="ActorTestHost{TActor}"/>.</summary>
public sealed class ActorTestHostTests
{
    private readonly ActorProbe _probe = new();

    [Fact]
    public async Task Each_call_is_a_turn_whose_state_is_saved_once_at_its_end()
    {
        await using var host = Create("counter-1");

        var value = await host.CallAsync(a => a.IncrementAsync(2));
        await host.CallAsync(a => a.IncrementAsync(3));

        value.Should().Be(2);
        host.ReadState<int>("count").Should().Be(5);
        host.SaveCount.Should().Be(2);
        host.IsActive.Should().BeTrue();
        _probe.Count("activate:counter-1").Should().Be(1);
    }

    [Fact]
    public async Task A_failing_turn_saves_nothing_and_the_cache_is_discarded()
    {
        await using var host = Create();
        await host.CallAsync(a => a.IncrementAsync(1));

        var fail = () => host.CallAsync(a => a.FailAfterWriteAsync(50));

        await fail.Should().ThrowAsync<InvalidOperationException>().WithMessage("boom after write");
        host.ReadState<int>("count").Should().Be(1);
        (await host.CallAsync(a => a.GetAsync())).Should().Be(1);
        host.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task Activation_restores_from_stored_state_after_deactivation()
    {
        await using var host = Create("restore");
        host.SeedState("count", 40);

        (await host.CallAsync(a => a.IncrementAsync(1))).Should().Be(41);
        await host.DeactivateAsync();
        host.IsActive.Should().BeFalse();
        (await host.CallAsync(a => a.IncrementAsync(1))).Should().Be(42);

        _probe.Events.Should().ContainInOrder("activate:restore", "deactivate:restore", "activate:restore");
    }

    [Fact]
    public async Task Reminders_are_recorded_and_fired_by_hand()
    {
        await using var host = Create("rem");
        await host.CallAsync(a => a.ScheduleReminderAsync(new ScheduleRequest("flush", "p", 1000, 60000)));

        host.Reminders.Should().ContainKey("flush");
        host.Reminders["flush"].Period.Should().Be(TimeSpan.FromMinutes(1));
        (await host.FireReminderAsync("flush")).Should().BeFalse();

        _probe.Events.Should().Contain("reminder:rem:flush:p:00:00:01:00:01:00");
        host.ReadState<string>("lastReminder").Should().Be("flush");
        host.Reminders.Should().ContainKey("flush", "a periodic reminder keeps firing");
    }

    [Fact]
    public async Task A_reminder_the_actor_cancels_or_a_one_shot_reminder_is_removed_after_firing()
    {
        await using var host = Create();
        await host.CallAsync(a => a.ScheduleReminderAsync(new ScheduleRequest("stop-now", null, 0, 1000)));
        await host.CallAsync(a => a.ScheduleReminderAsync(new ScheduleRequest("once", null, 0, 0)));

        (await host.FireReminderAsync("stop-now")).Should().BeTrue();
        (await host.FireReminderAsync("once")).Should().BeFalse();

        host.Reminders.Should().BeEmpty();
        var missing = () => host.FireReminderAsync("stop-now");
        await missing.Should().ThrowAsync<KeyNotFoundException>();
    }

    [Fact]
    public async Task Timers_fire_their_callback_and_go_away_with_the_activation()
    {
        await using var host = Create("tim");
        await host.CallAsync(a => a.ScheduleTimerAsync(new ScheduleRequest("tick", "t", 10, 10)));

        host.Timers["tick"].Callback.Should().Be("OnTickAsync");
        await host.FireTimerAsync("tick");
        _probe.Events.Should().Contain("tick:tim:t");

        await host.DeactivateAsync();
        host.Timers.Should().BeEmpty("timers do not outlive the activation");
    }

    [Fact]
    public async Task Registering_a_timer_with_an_unknown_callback_fails_at_registration()
    {
        await using var host = ActorTestHost<TimerMisuseActor>.Create();

        var register = () => host.CallAsync(a => a.RegisterAsync());

        await register.Should().ThrowAsync<ArgumentException>().WithMessage("*NotAMethod*");
    }

    [Fact]
    public async Task Methods_can_be_called_by_name_with_json_like_the_sidecar_does()
    {
        await using var host = Create();

        var greeting = await host.InvokeMethodAsync("GreetAsync", """{"name":"ivy","times":1}""");
        var nothing = await host.InvokeMethodAsync("ResetAsync");

        greeting.Should().Be("\"hello ivy\"");
        nothing.Should().BeNull();
    }

    [Fact]
    public async Task State_manager_follows_add_remove_and_contains_semantics_within_a_turn()
    {
        await using var host = Create();
        host.SeedState("existing", "x");

        await host.CallAsync(async a =>
        {
            var state = a.StateManager;
            (await state.TryAddStateAsync("existing", "y")).Should().BeFalse();
            var add = () => state.AddStateAsync("existing", "y");
            await add.Should().ThrowAsync<InvalidOperationException>();

            await state.AddStateAsync("fresh", 1);
            (await state.ContainsStateAsync("fresh")).Should().BeTrue();
            (await state.TryRemoveStateAsync("fresh")).Should().BeTrue();
            (await state.ContainsStateAsync("fresh")).Should().BeFalse();

            (await state.TryRemoveStateAsync("existing")).Should().BeTrue();
            (await state.TryRemoveStateAsync("existing")).Should().BeFalse();
            (await state.GetOrAddStateAsync("existing", "back")).Should().Be("back");

            (await state.AddOrUpdateStateAsync("n", 1, (_, v) => v + 1)).Should().Be(1);
            (await state.AddOrUpdateStateAsync("n", 1, (_, v) => v + 1)).Should().Be(2);

            var get = () => state.GetStateAsync<int>("missing");
            await get.Should().ThrowAsync<KeyNotFoundException>();
            var remove = () => state.RemoveStateAsync("missing");
            await remove.Should().ThrowAsync<KeyNotFoundException>();
        });

        host.State.Should().BeEquivalentTo(new Dictionary<string, string> { ["existing"] = "\"back\"", ["n"] = "2" });
        host.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task Cached_value_can_be_read_back_as_another_compatible_type()
    {
        await using var host = Create();

        await host.CallAsync(a => a.StateManager.SetStateAsync("g", new Greeting("a", 1)));
        var asText = await host.CallAsync(async a => (await a.StateManager.GetStateAsync<Dictionary<string, object>>("g")).Count);

        asText.Should().Be(2);
    }

    [Fact]
    public async Task A_failed_activation_is_retried_on_the_next_call()
    {
        var attempts = new ActivationAttempts();
        await using var host = ActorTestHost<FlakyActivationActor>.Create(configure: o => o.ConfigureServices = s => s.AddSingleton(attempts));

        var first = () => host.CallAsync(a => a.RegisterAsync());
        await first.Should().ThrowAsync<InvalidOperationException>().WithMessage("first activation fails");
        host.IsActive.Should().BeFalse();

        await host.CallAsync(a => a.RegisterAsync());
        attempts.Count.Should().Be(2);
    }

    private ActorTestHost<CounterActor> Create(string? id = null) =>
        ActorTestHost<CounterActor>.Create(id is null ? null : new ActorId(id), o =>
        {
            o.ActorType = "Counter";
            o.ConfigureServices = s => s.AddSingleton(_probe);
        });

    public interface ITimerMisuse : IActor
    {
        Task RegisterAsync();
    }

    public sealed class ActivationAttempts
    {
        public int Count { get; set; }
    }

    public sealed class FlakyActivationActor(ActorHost host, ActivationAttempts attempts) : Actor(host), ITimerMisuse
    {
        public Task RegisterAsync() => Task.CompletedTask;

        protected override Task OnActivateAsync() =>
            ++attempts.Count == 1 ? throw new InvalidOperationException("first activation fails") : Task.CompletedTask;
    }

    public sealed class TimerMisuseActor(ActorHost host) : Actor(host), ITimerMisuse
    {
        public Task RegisterAsync() => RegisterTimerAsync("t", "NotAMethod", Encoding.UTF8.GetBytes("x"), TimeSpan.Zero, TimeSpan.Zero);
    }
}
