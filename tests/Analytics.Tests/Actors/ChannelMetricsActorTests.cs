using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Analytics.Tests.Infrastructure;
using DaprPlatform.Sidecar.Actors;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Analytics.Tests.Actors;

/// <summary>The actor through ActorTestHost (no sidecar), writing its history to a real database.</summary>
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
    public async Task Samples_are_saved_by_the_flush_reminder_not_per_batch()
    {
        await using var host = CreateHost(out var channelId);
        for (var i = 0; i < 5; i++)
        {
            await host.CallAsync(a => a.IngestAsync(Batch(channelId, ($"s{i}", "views", 1))));
        }

        // Reminders are registered through the sidecar; actor state is written only at flush (one transaction).
        host.SaveCount.Should().Be(0);
        host.Reminders.Should().ContainKey(ChannelMetricsActor.FlushReminder)
            .WhoseValue.Period.Should().Be(ChannelMetricsActor.FlushPeriod);

        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        host.SaveCount.Should().Be(1);
        host.ReadState<ChannelMetricsSnapshot>(ChannelMetricsActor.StateKey)!.Accepted.Should().Be(5);

        // Nothing new: the flush cancels its reminder (X-DaprReminderCancel) so an idle channel is left alone.
        (await host.FireReminderAsync(ChannelMetricsActor.FlushReminder)).Should().BeTrue();
        host.SaveCount.Should().Be(1);
        host.Reminders.Should().BeEmpty();

        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("s9", "views", 1))));
        host.Reminders.Should().ContainKey(ChannelMetricsActor.FlushReminder);
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
    public async Task Deactivation_flushes_samples_taken_in_since_the_last_flush()
    {
        await using var host = CreateHost(out var channelId);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("a", "views", 10), ("b", "forwards", 3))));
        host.SaveCount.Should().Be(0, "ingest alone only marks the actor dirty");

        await host.DeactivateAsync();

        host.ReadState<ChannelMetricsSnapshot>(ChannelMetricsActor.StateKey)!.Accepted.Should().Be(2);
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
    public async Task Methods_are_reachable_by_name_as_daprd_calls_them()
    {
        // Actor protocol: PUT /actors/{type}/{id}/method/{method} carries the single argument as the JSON body; the result is JSON.
        await using var host = CreateHost(out var channelId);
        var json = $$"""{"channelId":"{{channelId}}","samples":[{"id":"a","kind":"views","value":3,"at":"{{Now:O}}"}]}""";
        var result = await host.InvokeMethodAsync(nameof(IChannelMetrics.IngestAsync), json);
        result.Should().Contain("\"accepted\":1");
        (await host.InvokeMethodAsync(nameof(IChannelMetrics.GetRealtimeAsync), "5")).Should().Contain("\"views\":3");
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
    public async Task An_anomaly_is_recorded_and_published_through_the_outbox_once()
    {
        var clock = new SettableTime(Now.AddHours(-49));
        await using var host = CreateHost(out var channelId, clock);
        var random = new Random(5);
        for (var h = 0; h < 48; h++)
        {
            clock.Now = Now.AddHours(-48 + h);
            var at = clock.Now;
            await host.CallAsync(a => a.IngestAsync(new ChannelMetricsBatch(channelId, [new IncomingSample($"v{at:O}", "views", 100 + random.Next(-5, 6), at)])));
        }

        clock.Now = Now;
        await host.CallAsync(a => a.IngestAsync(new ChannelMetricsBatch(channelId, [new IncomingSample("spike", "views", 2000, Now)])));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
        clock.Now = Now.AddHours(1).AddMinutes(1);
        await host.CallAsync(a => a.IngestAsync(Batch(channelId, ("after", "views", 100))));
        await host.FireReminderAsync(ChannelMetricsActor.FlushReminder);
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

    private ActorTestHost<ChannelMetricsActor> CreateHost(out Guid channelId, TimeProvider? time = null)
    {
        channelId = Guid.NewGuid();
        return ActorTestHost<ChannelMetricsActor>.Create(new ActorId(channelId.ToString()), o =>
        {
            o.ActorType = ChannelMetricsActor.TypeName;
            o.TimeProvider = time ?? new FixedTime(Now);
            o.ConfigureServices = services =>
            {
                services.AddDbContext<AnalyticsDbContext>(db => db.UseNpgsql(database.ConnectionString));
                services.AddOutbox<AnalyticsDbContext>();
                services.AddScoped<MetricsHistory>();
            };
        });
    }

    private static ChannelMetricsBatch Batch(Guid channelId, params (string Id, string Kind, double Value)[] samples) =>
        new(channelId, [.. samples.Select(s => new IncomingSample(s.Id, s.Kind, s.Value, Now.AddSeconds(-1)))]);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
