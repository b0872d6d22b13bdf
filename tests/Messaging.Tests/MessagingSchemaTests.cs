using DaprPlatform.Messaging;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Messaging.Tests;

public sealed class MessagingSchemaTests
{
    private sealed class MessagingOnlyDb(DbContextOptions<MessagingOnlyDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ConfigureOutbox().ConfigureInbox();
    }

    [Fact]
    public async Task Migration_helpers_create_exactly_the_schema_the_model_describes()
    {
        var modelled = new PostgresDatabase("sidecar_model");
        var migrated = new PostgresDatabase("sidecar_migr");
        await modelled.InitializeAsync();
        await migrated.InitializeAsync();
        try
        {
            await using (var db = Create(modelled.ConnectionString))
            {
                await db.Database.EnsureCreatedAsync();
            }

            await using (var db = Create(migrated.ConnectionString))
            {
                var migration = new MigrationBuilder(db.Database.ProviderName);
                migration.CreateOutboxTable();
                migration.CreateInboxTable();
                var commands = db.GetService<IMigrationsSqlGenerator>().Generate(migration.Operations, db.Model);
                foreach (var command in commands)
                {
                    await db.Database.ExecuteSqlRawAsync(command.CommandText);
                }
            }

            var expected = await DatabaseSchema.ReadAsync(modelled.ConnectionString);
            var actual = await DatabaseSchema.ReadAsync(migrated.ConnectionString);
            actual.ShouldEqual(expected, "the schema the migration helpers create");
            expected.Lines.Should().Contain(l => l.Contains("ix_outbox_messages_sent_at_next_attempt_at", StringComparison.Ordinal));
            expected.Lines.Should().Contain("column outbox_messages.payload: jsonb jsonb len=- null=NO default=- identity=NO");
            expected.Lines.Should().Contain(l => l.StartsWith("index inbox_messages.pk_inbox_messages:", StringComparison.Ordinal) && l.Contains("(message_id, consumer)", StringComparison.Ordinal));
        }
        finally
        {
            await modelled.DisposeAsync();
            await migrated.DisposeAsync();
        }
    }

    private static MessagingOnlyDb Create(string connectionString) =>
        new(new DbContextOptionsBuilder<MessagingOnlyDb>().UseNpgsql(connectionString).Options);
}
