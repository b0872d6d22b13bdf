using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Contracts.Tests;

/// <summary>
/// A DbContext with only the outbox table, so an event goes through the producers' own <see cref="Outbox{TContext}.Enqueue"/>
/// (and so their own serializer settings) and its stored payload is what the sidecar would publish. Nothing is saved:
/// EF Core opens no connection to track an added row.
/// </summary>
public sealed class PublishedEvents(DbContextOptions<PublishedEvents> options) : DbContext(options), IOutboxStore
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public static Outbox<PublishedEvents> NewOutbox(TimeProvider time) =>
        new(new PublishedEvents(new DbContextOptionsBuilder<PublishedEvents>().UseNpgsql("Host=never-opened").Options), time, new OutboxSignal<PublishedEvents>());

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ConfigureOutbox();
}
