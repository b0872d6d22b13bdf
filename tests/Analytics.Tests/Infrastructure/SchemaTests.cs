using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Infrastructure;

/// <summary>The hand-written migration must create exactly the schema the model describes.</summary>
public sealed class SchemaTests
{
    [Fact]
    public async Task Migrated_schema_equals_the_model_schema()
    {
        var migrated = await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(Context, "analytics");

        migrated.AppliedMigrations.Should().Equal("20261122000001_Initial", "20261122000002_Workspaces");
        migrated.Schema.Lines.Should().Contain(l => l.StartsWith("column hourly_rollups.total:", StringComparison.Ordinal), "the migration must have run");
        migrated.Schema.Lines.Should().Contain(l => l.StartsWith("column outbox_messages.id:", StringComparison.Ordinal));
    }

    private static AnalyticsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<AnalyticsDbContext>().UseNpgsql(connectionString).Options);
}
