using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Analytics.Tests.Actors;

/// <summary>The actor on the SDK's test host (no sidecar, see <see cref="ChannelMetricsActorHarness"/>), writing its history to a real database.</summary>
public sealed class ChannelMetricsActorTests(AnalyticsDatabase database) : IClassFixture<AnalyticsDatabase>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_redelivered_sample_counts_once()
    {
        await using var host = CreateHost(out var channelId);
        var first = await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("b", "reactions", 2))));
        var second = await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("c", "forwards", 3))));

        first.Should().Be(new IngestResult(2, 0, 0, 0, 0));
        second.Should().Be(new IngestResult(1, 1, 0, 0, 0));
        var view = await host.CallAsync(a => a.GetRealtimeAsync(60));
        view.Totals.Should().Be(new MetricCounts(10, 2, 3, 0, 0, 0));
        view.EngagementRate.Should().Be(0.5);
    }

    [Fact]
    public async Task Unknown_kinds_and_fractional_or_negative_values_are_counted_as_invalid()
    {
        await using var host = CreateHost(out var channelId);
        var result = await host.CallAsync(a => a.IngestAsync(new ChannelMetricsBatch(channelId,
        [
            new IncomingSample("x", "likes", 1, Now),
            new IncomingSample("y", "views", 1.5, Now),
            new IncomingSample("z", "views", -1, Now),
            new IncomingSample("ok", "views", 4, Now),
        ])));

        result.Should().Be(new IngestResult(1, 0, 0, 0, 3));
    }

    [Fact]
    public async Task Every_batch_with_new_samples_is_saved_before_the_call_returns_and_the_flush_reminder_compacts_the_journal()
    {
        await using var host = CreateHost(out var channelId);
        for (var i = 0; i < 5; i++)
        {
            await host.CallAsync(a => a.IngestAsync(Batch(channelId, ($"s{i}", "views", 1))));
        }

        // One state transaction per batch (its journal segment), saved inside the call: an answer means durable.
        host.State.SaveCount.Should().Be(5);
        host.State.Read<IngestJournal>(IngestJournal.Key).Should().Be(new IngestJournal(0, 5));
        host.State.StoredKeys.Should().NotContain(ChannelMetricsActor.StateKey, "the snapshot is written by the flush");
        host.Reminders.Registered.Should().ContainKey(ChannelMetricsActor.FlushReminder)
            .WhoseValue.Period.Should().Be(new ChannelMetricsOptions().FlushPeriod);

        // A batch of nothing new writes nothing.
        (await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("s1", "views", 1))))).Duplicates.Should().Be(1);
        host.State.SaveCount.Should().Be(5);

        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        host.State.SaveCount.Should().Be(6);
        host.State.Read<ChannelMetricsSnapshot>(ChannelMetricsActor.StateKey)!.Accepted.Should().Be(5);
        host.State.StoredKeys.Should().BeEquivalentTo([ChannelMetricsActor.StateKey], "the snapshot replaces the journal in the same transaction");

        // Nothing new: the flush unregisters its reminder so an idle channel is left alone.
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        host.State.SaveCount.Should().Be(6);
        host.Reminders.Registered.Should().BeEmpty();

        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("s9", "views", 1))));
        host.Reminders.Registered.Should().ContainKey(ChannelMetricsActor.FlushReminder);
    }

    [Fact]
    public async Task Samples_acknowledged_before_a_crash_are_all_there_after_it_and_count_once()
    {
        await using var host = CreateHost(out var channelId);
        foreach (var batch in new[] { Batch(channelId, ("a", "views", 10)), Batch(channelId, ("b", "subscribers", 70)) })
        {
            await host.CallAsync(a => a.IngestAsync(batch));
        }

        // Flushed once; the last two batches live only in the journal when the process dies.
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("c", "views", 5), ("d", "forwards", 2))));
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("e", "views", 1))));
        await host.CrashAsync();

        var view = await host.CallAsync(a => a.GetRealtimeAsync(60));
        view.Totals.Should().Be(new MetricCounts(16, 0, 2, 0, 0, 0));
        view.Subscribers.Should().Be(70);
        var redelivered = await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("c", "views", 5), ("e", "views", 1), ("f", "views", 3))));
        redelivered.Should().Be(new IngestResult(1, 2, 0, 0, 0), "the journal restores the seen sample ids too");

        // The replayed hours are written to the history at the next flush.
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        await using var db = database.CreateContext();
        (await db.HourlyRollups.SingleAsync(r => r.ChannelId == channelId && r.Kind == "views")).Total.Should().Be(19);
    }

    [Fact]
    public async Task A_batch_whose_save_fails_is_not_answered_and_not_counted_so_its_retry_is_taken_in()
    {
        await using var host = CreateHost(out var channelId);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10))));

        host.State.FailSaves = true;
        var failing = () => host.CallAsync(a => a.IngestAsync(Batch(channelId, ("b", "views", 5))));
        await failing.Should().ThrowAsync<HttpRequestException>();
        host.State.FailSaves = false;

        (await host.CallAsync(a => a.GetRealtimeAsync(60))).Totals.Views.Should().Be(10, "what was not saved is not shown");
        (await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("b", "views", 5))))).Should().Be(new IngestResult(1, 0, 0, 0, 0));
        (await host.CallAsync(a => a.GetRealtimeAsync(60))).Totals.Views.Should().Be(15);
    }

    [Fact]
    public async Task State_is_restored_on_activation()
    {
        await using var host = CreateHost(out var channelId);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("b", "subscribers", 500), ("c", "posts", 2))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        await host.DeactivateAsync();
        host.IsActive.Should().BeFalse();

        var view = await host.CallAsync(a => a.GetRealtimeAsync(60));
        view.Totals.Views.Should().Be(10);
        view.Subscribers.Should().Be(500);
        (await host.CallAsync(a => a.GetSummaryAsync(24))).Totals.Posts.Should().Be(2);
        var again = await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10))));
        again.Duplicates.Should().Be(1, "seen sample ids are part of the saved state");
    }

    [Fact]
    public async Task Deactivation_compacts_the_journal_into_the_snapshot()
    {
        await using var host = CreateHost(out var channelId);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("b", "forwards", 3))));
        host.State.StoredKeys.Should().NotContain(ChannelMetricsActor.StateKey);

        await host.DeactivateAsync();

        host.State.Read<ChannelMetricsSnapshot>(ChannelMetricsActor.StateKey)!.Accepted.Should().Be(2);
        host.State.StoredKeys.Should().BeEquivalentTo([ChannelMetricsActor.StateKey]);
        var view = await host.CallAsync(a => a.GetRealtimeAsync(60));
        view.Totals.Views.Should().Be(10);
        view.Totals.Forwards.Should().Be(3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1441)]
    public async Task Realtime_minutes_outside_1_to_1440_are_refused(int minutes)
    {
        await using var host = CreateHost(out _);
        var call = () => host.CallAsync(a => a.GetRealtimeAsync(minutes));
        await call.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task A_flush_upserts_the_changed_hours_rollups()
    {
        await using var host = CreateHost(out var channelId);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("b", "subscribers", 70))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("c", "views", 5), ("d", "posts", 1))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);

        await using var db = database.CreateContext();
        var rows = await db.HourlyRollups.Where(r => r.ChannelId == channelId).ToDictionaryAsync(r => r.Kind, r => r.Total);
        rows.Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["views"] = 15, ["reactions"] = 0, ["forwards"] = 0, ["posts"] = 1, ["joins"] = 0, ["leaves"] = 0, ["subscribers"] = 70,
        });
        (await db.HourlyRollups.Where(r => r.ChannelId == channelId).Select(r => r.Hour).Distinct().SingleAsync())
            .Should().Be(new DateTimeOffset(2026, 3, 10, 11, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_anomaly_is_recorded_and_published_through_the_outbox_once_when_the_owners_plan_has_anomaly_alerts()
    {
        var clock = new FakeTimeProvider(Now.AddHours(-49));
        await using var host = CreateHost(out var channelId, clock);
        await OwnedOnPlanAsync(channelId, new AnalyticsAllowance("pro", 90, "business", AnomalyAlerts: true));
        await SpikeAfterTwoQuietDaysAsync(host, channelId, clock);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("after2", "views", 100))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);

        await using var db = database.CreateContext();
        var anomaly = await db.Anomalies.SingleAsync(a => a.ChannelId == channelId);
        anomaly.Hour.Should().Be(Now);
        anomaly.Views.Should().Be(2000);
        var events = await db.OutboxMessages.Where(m => m.Topic == "channel.anomaly").ToListAsync();
        events.Where(m => m.Payload.Contains(channelId.ToString(), StringComparison.Ordinal)).Should().ContainSingle();
        (await host.CallAsync(a => a.GetInsightsAsync())).Anomalies.Should().ContainSingle();
    }

    [Fact]
    public async Task Without_anomaly_alerts_in_the_plan_an_anomaly_is_detected_and_listed_but_not_published()
    {
        var clock = new FakeTimeProvider(Now.AddHours(-49));
        await using var host = CreateHost(out var channelId, clock);
        await OwnedOnPlanAsync(channelId, allowance: null);
        await SpikeAfterTwoQuietDaysAsync(host, channelId, clock);

        await using var db = database.CreateContext();
        (await db.Anomalies.CountAsync(a => a.ChannelId == channelId)).Should().Be(1);
        var events = await db.OutboxMessages.Where(m => m.Topic == "channel.anomaly").ToListAsync();
        events.Where(m => m.Payload.Contains(channelId.ToString(), StringComparison.Ordinal)).Should().BeEmpty();
        (await host.CallAsync(a => a.GetInsightsAsync())).Anomalies.Should().ContainSingle();
    }

    /// <summary>Two days of ~100 views an hour, then 2000 at <see cref="Now"/>, flushed twice (the hour closes in the second flush).</summary>
    private static async Task SpikeAfterTwoQuietDaysAsync(ChannelMetricsActorHarness host, Guid channelId, FakeTimeProvider clock)
    {
        var random = new Random(5);
        for (var h = 0; h < 48; h++)
        {
            clock.SetUtcNow(Now.AddHours(-48 + h));
            var at = clock.GetUtcNow();
            await host.CallAsync(a => a.IngestAsync(new ChannelMetricsBatch(channelId, [new IncomingSample($"v{at:O}", "views", 100 + random.Next(-5, 6), at)])));
        }

        clock.SetUtcNow(Now);
        await host.CallAsync(a => a.IngestAsync(new ChannelMetricsBatch(channelId, [new IncomingSample("spike", "views", 2000, Now)])));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        clock.SetUtcNow(Now.AddHours(1).AddMinutes(1));
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("after", "views", 100))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
    }

    /// <summary>The channel as analytics knows it from channel.registered, its owner on <paramref name="allowance"/> (null: never announced, so free).</summary>
    private async Task OwnedOnPlanAsync(Guid channelId, AnalyticsAllowance? allowance)
    {
        var owner = Guid.NewGuid();
        await using var db = database.CreateContext();
        db.Channels.Add(new TrackedChannel { Id = channelId, OwnerId = owner, Title = "Spiky", RegisteredAt = Now.AddDays(-3) });
        if (allowance is not null)
        {
            var plan = OwnerPlan.For(owner);
            plan.Apply(allowance, 1, Now.AddDays(-3));
            db.OwnerPlans.Add(plan);
        }

        await db.SaveChangesAsync();
    }

    private ChannelMetricsActorHarness CreateHost(out Guid channelId, TimeProvider? time = null)
    {
        channelId = Guid.NewGuid();
        return new ChannelMetricsActorHarness(channelId, time ?? new FakeTimeProvider(Now), database.ConnectionString);
    }

    private static ChannelMetricsBatch Batch(Guid channelId, params (string Id, string Kind, double Value)[] samples) =>
        new(channelId, [.. samples.Select(s => new IncomingSample(s.Id, s.Kind, s.Value, Now.AddSeconds(-1)))]);
}
