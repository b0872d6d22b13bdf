using DaprPlatform.Sidecar.Messaging;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace DaprPlatform.Sidecar.Tests.Messaging;

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

            var expected = await DescribeAsync(modelled.ConnectionString);
            var actual = await DescribeAsync(migrated.ConnectionString);
            actual.Should().Equal(expected);
            expected.Should().Contain(l => l.Contains("ix_outbox_messages_sent_at_next_attempt_at", StringComparison.Ordinal));
            expected.Should().Contain("column outbox_messages.payload jsonb NO");
            expected.Should().Contain(l => l.StartsWith("index inbox_messages pk_inbox_messages", StringComparison.Ordinal) && l.Contains("(message_id, consumer)", StringComparison.Ordinal));
        }
        finally
        {
            await modelled.DisposeAsync();
            await migrated.DisposeAsync();
        }
    }

    private static MessagingOnlyDb Create(string connectionString) =>
        new(new DbContextOptionsBuilder<MessagingOnlyDb>().UseNpgsql(connectionString).Options);

    private static async Task<List<string>> DescribeAsync(string connectionString)
    {
        const string sql = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || coalesce(' default ' || column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT 'index ' || tablename || ' ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT 'constraint ' || table_name || ' ' || constraint_name || ' ' || constraint_type
            FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type <> 'CHECK'
            ORDER BY 1
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
