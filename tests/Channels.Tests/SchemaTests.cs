using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests : IAsyncLifetime
{
    private readonly PostgresDatabase _migrated = new("channels_mig");
    private readonly PostgresDatabase _created = new("channels_ens");

    public async Task InitializeAsync()
    {
        await _migrated.InitializeAsync();
        await _created.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _migrated.DisposeAsync();
        await _created.DisposeAsync();
    }

    private static ChannelsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<ChannelsDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        await using (var db = Context(_migrated.ConnectionString))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = Context(_created.ConnectionString))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var migrated = await DatabaseSchema.ReadAsync(_migrated.ConnectionString);
        var created = await DatabaseSchema.ReadAsync(_created.ConnectionString);

        migrated.Lines.Should().Contain(l => l.StartsWith("column channels.telegram_chat_id: bigint", StringComparison.Ordinal), "the migration must have run");
        migrated.Lines.Should().Contain(l => l.Contains("CREATE UNIQUE INDEX ux_channels_telegram_chat_id", StringComparison.Ordinal));
        migrated.Lines.Should().Contain(l => l.StartsWith("constraint telegram_updates.pk_telegram_updates: p PRIMARY KEY (update_id)", StringComparison.Ordinal));
        migrated.Lines.Should().Contain(l => l.StartsWith("column outbox_messages.payload: jsonb", StringComparison.Ordinal));
        migrated.ShouldEqual(created, "the migrated channels schema");
    }

    [Fact]
    public async Task Migration_is_listed_and_nothing_is_pending()
    {
        await using var db = Context(_migrated.ConnectionString);
        await db.Database.MigrateAsync();

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261122000001_Initial");
    }
}
