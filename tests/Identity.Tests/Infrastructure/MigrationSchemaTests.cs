using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Tests.Infrastructure;

/// <summary>
/// Guards the hand-written migrations: the schema MigrateAsync produces must equal what the model would create.
/// Changing the model without a matching migration fails here.
/// </summary>
public sealed class MigrationSchemaTests : IAsyncLifetime
{
    private readonly PostgresDatabase _migrated = new("identity_migrated");
    private readonly PostgresDatabase _created = new("identity_created");

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
    public async Task Migrated_schema_equals_the_schema_the_model_creates()
    {
        await using (var db = CreateContext(_migrated.ConnectionString))
        {
            await db.Database.MigrateAsync();
            (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        }

        await using (var db = CreateContext(_created.ConnectionString))
        {
            (await db.Database.EnsureCreatedAsync()).Should().BeTrue();
        }

        var migrated = await DatabaseSchema.ReadAsync(_migrated.ConnectionString);
        var created = await DatabaseSchema.ReadAsync(_created.ConnectionString);

        migrated.Lines.Should().Contain(line => line.StartsWith("column users.normalized_email", StringComparison.Ordinal), "the snapshot must actually read the schema");
        migrated.Lines.Should().Contain(line => line.Contains("outbox_messages", StringComparison.Ordinal));
        migrated.ShouldEqual(created, "the migrated schema");
    }

    [Fact]
    public async Task Email_uniqueness_is_a_unique_index_on_the_normalized_email()
    {
        await using var db = CreateContext(_migrated.ConnectionString);
        await db.Database.MigrateAsync();

        var schema = await DatabaseSchema.ReadAsync(_migrated.ConnectionString);

        schema.Lines.Should().Contain($"index users.{IdentityDbContext.UniqueEmailIndex}: CREATE UNIQUE INDEX {IdentityDbContext.UniqueEmailIndex} ON public.users USING btree (normalized_email)");
    }

    private static IdentityDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<IdentityDbContext>().UseNpgsql(connectionString).Options);
}
