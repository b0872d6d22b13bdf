using DaprPlatform.OutboxInbox;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.OutboxInbox.Tests;

public sealed class InboxTests
{
    private static int Nowhere() => FreeTcpPort.Next();

    private static Task<InboxResult> ProcessAsync(OutboxInboxHost host, string messageId, string consumer, string widgetName, TimeSpan? hold = null) =>
        host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            return await sp.GetRequiredService<Inbox<OutboxInboxTestDb>>().ProcessOnceAsync(messageId, consumer, async ct =>
            {
                db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = widgetName });
                if (hold is { } delay)
                {
                    await Task.Delay(delay, ct);
                }
            }, CancellationToken.None);
        });

    [Fact]
    public async Task A_repeated_CloudEvent_id_is_skipped_per_consumer()
    {
        // Pub/sub is at-least-once: a consumer dedupes on the CloudEvent id.
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        (await ProcessAsync(host, "evt-1", "notifications", "first")).Should().Be(InboxResult.Processed);
        (await ProcessAsync(host, "evt-1", "notifications", "again")).Should().Be(InboxResult.Duplicate);
        (await ProcessAsync(host, "evt-1", "analytics", "other consumer")).Should().Be(InboxResult.Processed);

        var names = await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.Select(w => w.Name).ToListAsync());
        names.Should().BeEquivalentTo("first", "other consumer");
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().InboxMessages.CountAsync())).Should().Be(2);
    }

    [Fact]
    public async Task Work_that_throws_writes_nothing_and_the_message_can_be_retried()
    {
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        var failing = () => host.InScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            return sp.GetRequiredService<Inbox<OutboxInboxTestDb>>().ProcessOnceAsync("evt-2", "c", async _ =>
            {
                db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = "half" });
                await db.SaveChangesAsync();
                throw new InvalidOperationException("boom");
            }, CancellationToken.None);
        });

        await failing.Should().ThrowAsync<InvalidOperationException>();
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.CountAsync())).Should().Be(0);
        (await ProcessAsync(host, "evt-2", "c", "retried")).Should().Be(InboxResult.Processed);
    }

    [Fact]
    public async Task Concurrent_duplicates_are_processed_once()
    {
        // Redelivery can race the first delivery; the (message_id, consumer) key lets exactly one commit.
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        var results = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(i => ProcessAsync(host, "evt-3", "notifications", $"attempt {i}", TimeSpan.FromMilliseconds(200))));

        results.Count(r => r == InboxResult.Processed).Should().Be(1);
        results.Count(r => r == InboxResult.Duplicate).Should().Be(3);
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.CountAsync())).Should().Be(1);
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().InboxMessages.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Inside_a_caller_transaction_a_duplicate_writes_nothing_and_the_caller_can_still_commit()
    {
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());
        (await ProcessAsync(host, "evt-4", "c", "first")).Should().Be(InboxResult.Processed);

        var result = await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            var inbox = sp.GetRequiredService<Inbox<OutboxInboxTestDb>>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var duplicate = await inbox.ProcessOnceAsync("evt-4", "c", _ =>
            {
                db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = "duplicate" });
                return Task.CompletedTask;
            }, CancellationToken.None);
            var fresh = await inbox.ProcessOnceAsync("evt-5", "c", _ =>
            {
                db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = "fresh" });
                return Task.CompletedTask;
            }, CancellationToken.None);
            await tx.CommitAsync();
            return (duplicate, fresh);
        });

        result.Should().Be((InboxResult.Duplicate, InboxResult.Processed));
        var names = await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.Select(w => w.Name).ToListAsync());
        names.Should().BeEquivalentTo("first", "fresh");
    }
}
