using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Tests.Infrastructure;

/// <summary>
/// Guards the hand-written migrations: the schema MigrateAsync produces must equal what the model would create.
/// Changing the model without a matching migration fails here.
/// </summary>
public sealed class MigrationSchemaTests
{
    [Fact]
    public async Task Migrated_schema_equals_the_schema_the_model_creates()
    {
        var migrated = (await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(CreateContext, "identity")).Schema;

        migrated.Lines.Should().Contain(line => line.StartsWith("column users.normalized_email", StringComparison.Ordinal), "the snapshot must actually read the schema");
        migrated.Lines.Should().Contain(line => line.Contains("outbox_messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Email_uniqueness_is_a_unique_index_on_the_normalized_email()
    {
        var schema = (await MigrationSchemaGuard.AssertMigrationsMatchModelAsync(CreateContext, "identity")).Schema;

        schema.Lines.Should().Contain($"index users.{IdentityDbContext.UniqueEmailIndex}: CREATE UNIQUE INDEX {IdentityDbContext.UniqueEmailIndex} ON public.users USING btree (normalized_email)");
    }

    private static IdentityDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<IdentityDbContext>().UseNpgsql(connectionString).Options);
}
