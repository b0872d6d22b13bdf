using System.Diagnostics;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.OutboxInbox.Tests;

public sealed class OutboxTests
{
    private sealed record WidgetCreated(Guid WidgetId, string Name);

    private const string PubSub = "pubsub";
    private const string Topic = "widget.created";
    private const string PublisherAppId = "publisher";
    private const string SubscriberAppId = "subscriber";

    private static int Nowhere() => FreeTcpPort.Next();

    /// <summary>The real DevHost: the publisher's sidecar on <paramref name="publisherGrpcPort"/>, and a subscribing app that keeps every CloudEvent.</summary>
    private static async Task<(StandInSidecars Sidecars, CloudEventSubscriber Subscriber)> StartSidecarsAsync(int publisherGrpcPort)
    {
        var subscriberPort = FreeTcpPort.Next();
        var subscriber = await CloudEventSubscriber.StartAsync(subscriberPort, PubSub, Topic, "/events/widget-created");
        var sidecars = await StandInSidecars.StartAsync(PubSub, [
            new RunFileApp(PublisherAppId, FreeTcpPort.Next()) { DaprGrpcPort = publisherGrpcPort },
            new RunFileApp(SubscriberAppId, FreeTcpPort.Next(), subscriberPort),
        ]);
        return (sidecars, subscriber);
    }

    private static Task<IReadOnlyList<JsonElement>> ReceivedAsync(CloudEventSubscriber subscriber, int count) =>
        Eventually.UntilAsync(
            $"{count} CloudEvent(s) at the subscriber",
            _ => Task.FromResult(subscriber.Received),
            received => received.Count >= count,
            TimeSpan.FromSeconds(30),
            received => string.Join("\n", received.Select(e => e.GetRawText())),
            interval: TimeSpan.FromMilliseconds(50));

    [Fact]
    public async Task Enqueued_event_commits_with_the_state_change_and_a_rollback_leaves_no_row()
    {
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            var outbox = sp.GetRequiredService<Outbox<OutboxInboxTestDb>>();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = "rolled back" });
            outbox.Enqueue(Topic, new WidgetCreated(Guid.NewGuid(), "rolled back"));
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
            return 0;
        });
        (await host.OutboxRowsAsync()).Should().BeEmpty();

        var widgetId = Guid.NewGuid();
        using var activity = new Activity("register").SetIdFormat(ActivityIdFormat.W3C).Start();
        var enqueued = await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            var outbox = sp.GetRequiredService<Outbox<OutboxInboxTestDb>>();
            db.Widgets.Add(new Widget { Id = widgetId, Name = "kept" });
            var message = outbox.Enqueue(Topic, new WidgetCreated(widgetId, "kept"));
            await db.SaveChangesAsync();
            return message;
        });

        var row = (await host.OutboxRowsAsync()).Should().ContainSingle().Subject;
        row.Id.Should().Be(enqueued.Id);
        row.PubSubName.Should().Be("pubsub");
        row.Topic.Should().Be(Topic);
        JsonDocument.Parse(row.Payload).RootElement.GetProperty("widgetId").GetGuid().Should().Be(widgetId);
        row.SentAt.Should().BeNull();
        row.TraceParent.Should().Be(activity.Id);
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.CountAsync())).Should().Be(1);
        var backlog = await host.InScopeAsync(sp => sp.GetRequiredService<Outbox<OutboxInboxTestDb>>().GetBacklogAsync());
        backlog.Count.Should().Be(1);
        backlog.OldestAge.Should().NotBeNull();
    }

    [Fact]
    public async Task Dispatcher_backs_off_while_the_sidecar_is_down_and_delivers_once_it_is_back()
    {
        var grpcPort = FreeTcpPort.Next();
        await using var host = await OutboxInboxHost.StartAsync(grpcPort, o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.InitialBackoff = TimeSpan.FromMilliseconds(200);
            o.MaxBackoff = TimeSpan.FromMilliseconds(400);
        });
        await host.Dispatcher.StartAsync(CancellationToken.None);
        try
        {
            using var activity = new Activity("register").SetIdFormat(ActivityIdFormat.W3C).Start();
            var message = await host.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<OutboxInboxTestDb>();
                var enqueued = sp.GetRequiredService<Outbox<OutboxInboxTestDb>>().Enqueue(Topic, new WidgetCreated(Guid.NewGuid(), "w"));
                await db.SaveChangesAsync();
                return enqueued;
            });
            activity.Stop();

            var failed = await WaitForAsync(host, rows => rows.Single().Attempts >= 2);
            failed.Single().SentAt.Should().BeNull();
            failed.Single().LastError.Should().NotBeNullOrEmpty();
            failed.Single().NextAttemptAt.Should().BeAfter(failed.Single().CreatedAt);

            var (sidecars, subscriber) = await StartSidecarsAsync(grpcPort);
            await using (sidecars)
            await using (subscriber)
            {
                var sent = await WaitForAsync(host, rows => rows.Single().SentAt is not null);
                sent.Single().LastError.Should().BeNull();

                var cloudEvent = (await ReceivedAsync(subscriber, 1)).Should().ContainSingle().Subject;
                // cloudevent.id metadata: the outbox row id, the same on every attempt, so consumers' inboxes dedupe.
                cloudEvent.GetProperty("id").GetString().Should().Be(message.Id.ToString());
                cloudEvent.GetProperty("source").GetString().Should().Be(PublisherAppId);
                cloudEvent.GetProperty("traceparent").GetString().Should().Be(message.TraceParent).And.Contain(activity.TraceId.ToString());
                cloudEvent.GetProperty("datacontenttype").GetString().Should().StartWith("application/json");
                // Stored JSON published as the CloudEvent's data, not as a JSON string of it.
                var data = cloudEvent.GetProperty("data");
                data.GetProperty("widgetId").GetString().Should().Be(JsonDocument.Parse(message.Payload).RootElement.GetProperty("widgetId").GetString());
                data.GetProperty("name").GetString().Should().Be("w");
                (await host.InScopeAsync(sp => sp.GetRequiredService<Outbox<OutboxInboxTestDb>>().GetBacklogAsync())).Count.Should().Be(0);
            }
        }
        finally
        {
            await host.Dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SaveChanges_wakes_the_dispatcher_without_waiting_for_the_poll()
    {
        var grpcPort = FreeTcpPort.Next();
        var (sidecars, subscriber) = await StartSidecarsAsync(grpcPort);
        await using var _ = sidecars;
        await using var __ = subscriber;
        await using var host = await OutboxInboxHost.StartAsync(grpcPort, o => o.PollInterval = TimeSpan.FromMinutes(5));
        await host.Dispatcher.StartAsync(CancellationToken.None);
        try
        {
            // Let the first (empty) pass finish so the dispatcher is parked on its 5-minute wait.
            await Task.Delay(500);
            await host.InScopeAsync(async sp =>
            {
                sp.GetRequiredService<Outbox<OutboxInboxTestDb>>().Enqueue(Topic, new WidgetCreated(Guid.NewGuid(), "fast"));
                return await sp.GetRequiredService<OutboxInboxTestDb>().SaveChangesAsync();
            });

            var rows = await WaitForAsync(host, r => r.Single().SentAt is not null);

            rows.Single().Attempts.Should().Be(0);
            (await ReceivedAsync(subscriber, 1)).Should().ContainSingle();
        }
        finally
        {
            await host.Dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Dispatcher_keeps_running_when_the_database_is_unreachable()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDbContext<OutboxInboxTestDb>(o => o.UseNpgsql(new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.AdminConnectionString) { Database = "missing_" + Guid.NewGuid().ToString("N") }.ConnectionString));
        services.AddDaprClient(dapr => dapr.UseGrpcEndpoint($"http://127.0.0.1:{Nowhere()}"));
        services.AddOutbox<OutboxInboxTestDb>(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<OutboxDispatcher<OutboxInboxTestDb>>();

        await dispatcher.StartAsync(CancellationToken.None);
        await Task.Delay(600);

        dispatcher.ExecuteTask.Should().NotBeNull();
        dispatcher.ExecuteTask!.IsCompleted.Should().BeFalse("a failing pass is logged and retried, never fatal to the host");
        await dispatcher.StopAsync(CancellationToken.None);
        dispatcher.ExecuteTask.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task Backoff_grows_exponentially_and_is_capped()
    {
        await using var host = await OutboxInboxHost.StartAsync(Nowhere(), o =>
        {
            o.InitialBackoff = TimeSpan.FromSeconds(1);
            o.MaxBackoff = TimeSpan.FromSeconds(8);
        });
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher<OutboxInboxTestDb>>();

        dispatcher.Backoff(1).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        dispatcher.Backoff(3).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(4));
        dispatcher.Backoff(40).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(4)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Two_dispatchers_never_publish_the_same_row_twice_in_one_pass()
    {
        // FOR UPDATE SKIP LOCKED: concurrent batches claim disjoint rows.
        var grpcPort = FreeTcpPort.Next();
        var (sidecars, subscriber) = await StartSidecarsAsync(grpcPort);
        await using var _ = sidecars;
        await using var __ = subscriber;
        await using var host = await OutboxInboxHost.StartAsync(grpcPort, o => o.BatchSize = 10);
        await host.InScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<Outbox<OutboxInboxTestDb>>();
            for (var i = 0; i < 20; i++)
            {
                outbox.Enqueue(Topic, new WidgetCreated(Guid.NewGuid(), $"w{i}"));
            }

            return await sp.GetRequiredService<OutboxInboxTestDb>().SaveChangesAsync();
        });
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher<OutboxInboxTestDb>>();

        var claimed = await Task.WhenAll(dispatcher.DispatchDueAsync(CancellationToken.None), dispatcher.DispatchDueAsync(CancellationToken.None));

        claimed.Sum().Should().Be(20);
        (await host.OutboxRowsAsync()).Should().OnlyContain(r => r.SentAt != null);
        await ReceivedAsync(subscriber, 20);
        var tally = await Eventually.UntilAsync(
            "the broker to settle every message",
            ct => sidecars.TallyAsync(PubSub, Topic, SubscriberAppId, ct),
            t => t.Settled == t.Published,
            TimeSpan.FromSeconds(30),
            t => t.ToString());
        tally.Published.Should().Be(20, "each row was published once");
        subscriber.Received.Select(e => e.GetProperty("id").GetString()).Should().OnlyHaveUniqueItems().And.HaveCount(20);
    }

    private static Task<List<OutboxMessage>> WaitForAsync(OutboxInboxHost host, Func<List<OutboxMessage>, bool> condition) =>
        Eventually.UntilAsync(
            "outbox rows to reach the expected state",
            _ => host.OutboxRowsAsync(),
            rows => rows.Count > 0 && condition(rows),
            TimeSpan.FromSeconds(20),
            rows => JsonSerializer.Serialize(rows),
            interval: TimeSpan.FromMilliseconds(50));
}
