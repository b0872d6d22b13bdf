using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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

        var migrated = await DescribeAsync(_migrated.ConnectionString);
        var created = await DescribeAsync(_created.ConnectionString);

        migrated.Should().Contain(l => l.StartsWith("column notifications.id", StringComparison.Ordinal), "the migration must have run");
        migrated.Should().Contain(l => l.StartsWith("column inbox_messages.message_id", StringComparison.Ordinal));
        migrated.Should().Equal(created);
    }

    [Fact]
    public async Task Migration_is_listed_and_nothing_is_pending()
    {
        await using var db = Context(_migrated.ConnectionString);
        await db.Database.MigrateAsync();

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261121000001_Initial");
    }

    private static async Task<List<string>> DescribeAsync(string connectionString)
    {
        const string Sql = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(character_maximum_length::text, '-')
                   || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-')
              FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
              FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
             WHERE ns.nspname = 'public' AND rel.relname <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'index ' || indexdef
              FROM pg_indexes
             WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
            ORDER BY 1
            """;
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
