using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Tests;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests
{
    private static ChannelsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<ChannelsDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        var migrated = (await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "channels")).Schema;

        migrated.Lines.Should().Contain(l => l.StartsWith("column channels.telegram_chat_id: bigint", StringComparison.Ordinal), "the migration must have run");
        migrated.Lines.Should().Contain(l => l.Contains("CREATE UNIQUE INDEX ux_channels_telegram_chat_id", StringComparison.Ordinal));
        migrated.Lines.Should().Contain(l => l.StartsWith("constraint telegram_updates.pk_telegram_updates: p PRIMARY KEY (update_id)", StringComparison.Ordinal));
        migrated.Lines.Should().Contain(l => l.StartsWith("column outbox_messages.payload: jsonb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migration_is_listed_and_nothing_is_pending()
    {
        // The guard itself asserts that nothing is pending after MigrateAsync.
        var migrated = await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "channels");

        migrated.AppliedMigrations.Should().Equal("20261122000001_Initial");
    }
}
