using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests
{
    private static NotificationsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        var migrated = (await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "notif")).Schema;

        migrated.Lines.Should().Contain(l => l.StartsWith("column notifications.id:", StringComparison.Ordinal), "the migration must have run");
        migrated.Lines.Should().Contain(l => l.StartsWith("column inbox_messages.message_id:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migration_is_listed_and_nothing_is_pending()
    {
        // The guard itself asserts that nothing is pending after MigrateAsync.
        var migrated = await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "notif");

        migrated.AppliedMigrations.Should().Equal("20261121000001_Initial");
    }
}
