using DaprPlatform.OutboxInbox;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.OutboxInbox.Tests;

/// <summary>The inbox's batch form, used for bulk deliveries: one transaction for the new ids of many CloudEvents.</summary>
public sealed class InboxBatchTests
{
    private static int Nowhere() => FreeTcpPort.Next();

    private static Task<IReadOnlyList<string>> ProcessAsync(OutboxInboxHost host, string consumer, params string[] ids) =>
        host.InScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<OutboxInboxTestDb>();
            return sp.GetRequiredService<Inbox<OutboxInboxTestDb>>().ProcessBatchOnceAsync(ids, consumer, (fresh, _) =>
            {
                db.Widgets.AddRange(fresh.Select(id => new Widget { Id = Guid.NewGuid(), Name = id }));
                return Task.CompletedTask;
            }, CancellationToken.None);
        });

    [Fact]
    public async Task Only_ids_not_yet_processed_reach_the_work_and_are_recorded_once()
    {
        // Pub/sub is at least once: a bulk redelivery mixes CloudEvent ids already processed with new ones.
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        (await ProcessAsync(host, "analytics", "e1", "e2")).Should().BeEquivalentTo(["e1", "e2"]);
        (await ProcessAsync(host, "analytics", "e2", "e3", "e3")).Should().BeEquivalentTo(["e3"]);
        (await ProcessAsync(host, "analytics", "e1", "e3")).Should().BeEmpty();
        (await ProcessAsync(host, "other", "e1")).Should().BeEquivalentTo(["e1"]);

        var names = await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().Widgets.Select(w => w.Name).ToListAsync());
        names.Should().BeEquivalentTo(["e1", "e2", "e3", "e1"]);
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().InboxMessages.CountAsync())).Should().Be(4);
    }

    [Fact]
    public async Task Work_that_throws_records_none_of_the_batch()
    {
        await using var host = await OutboxInboxHost.StartAsync(Nowhere());

        var failing = () => host.InScopeAsync(sp => sp.GetRequiredService<Inbox<OutboxInboxTestDb>>()
            .ProcessBatchOnceAsync(["f1", "f2"], "c", (_, _) => throw new InvalidOperationException("actor unreachable"), CancellationToken.None));

        await failing.Should().ThrowAsync<InvalidOperationException>();
        (await host.InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().InboxMessages.CountAsync())).Should().Be(0);
        (await ProcessAsync(host, "c", "f1", "f2")).Should().BeEquivalentTo(["f1", "f2"]);
    }
}
