using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.OutboxInbox.Tests;

public sealed class Widget
{
    public Guid Id { get; set; }

    public string Name { get; set; } = string.Empty;
}

/// <summary>A service-like DbContext: some state plus the outbox and inbox tables.</summary>
public sealed class OutboxInboxTestDb(DbContextOptions<OutboxInboxTestDb> options) : DbContext(options), IOutboxStore, IInboxStore
{
    public DbSet<Widget> Widgets => Set<Widget>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Widget>(e =>
        {
            e.ToTable("widgets");
            e.Property(w => w.Id).HasColumnName("id");
            e.Property(w => w.Name).HasColumnName("name");
        });
        modelBuilder.ConfigureOutbox().ConfigureInbox();
    }
}
