using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Infrastructure;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests : IAsyncLifetime
{
    private readonly PostgresDatabase _migrated = new("analytics_mig");
    private readonly PostgresDatabase _created = new("analytics_ens");

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

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        await using (var db = Context(_migrated.ConnectionString))
        {
            await db.Database.MigrateAsync();
            (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261122000001_Initial");
        }

        await using (var db = Context(_created.ConnectionString))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var migrated = await DatabaseSchema.ReadAsync(_migrated.ConnectionString);
        var created = await DatabaseSchema.ReadAsync(_created.ConnectionString);

        migrated.Lines.Should().Contain(l => l.StartsWith("column hourly_rollups.total:", StringComparison.Ordinal), "the migration must have run");
        migrated.Lines.Should().Contain(l => l.StartsWith("column outbox_messages.id:", StringComparison.Ordinal));
        migrated.ShouldEqual(created, "the migrated schema");
    }

    private static AnalyticsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<AnalyticsDbContext>().UseNpgsql(connectionString).Options);
}
