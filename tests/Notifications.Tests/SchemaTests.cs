using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests : IAsyncLifetime
{
    private readonly PostgresDatabase _migrated = new("notif_mig");
    private readonly PostgresDatabase _created = new("notif_ens");

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

    private static NotificationsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql(connectionString).Options);

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

        migrated.Lines.Should().Contain(l => l.StartsWith("column notifications.id:", StringComparison.Ordinal), "the migration must have run");
        migrated.Lines.Should().Contain(l => l.StartsWith("column inbox_messages.message_id:", StringComparison.Ordinal));
        migrated.ShouldEqual(created, "the migrated schema");
    }

    [Fact]
    public async Task Migration_is_listed_and_nothing_is_pending()
    {
        await using var db = Context(_migrated.ConnectionString);
        await db.Database.MigrateAsync();

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261121000001_Initial");
    }
}
