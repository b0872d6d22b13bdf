using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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

        var migrated = await DescribeSchemaAsync(_migrated.ConnectionString);
        var created = await DescribeSchemaAsync(_created.ConnectionString);

        migrated.Should().Contain(line => line.StartsWith("column users.normalized_email", StringComparison.Ordinal), "the snapshot must actually read the schema");
        migrated.Should().Contain(line => line.Contains("outbox_messages", StringComparison.Ordinal));
        migrated.Should().Equal(created);
    }

    [Fact]
    public async Task Email_uniqueness_is_a_unique_index_on_the_normalized_email()
    {
        await using var db = CreateContext(_migrated.ConnectionString);
        await db.Database.MigrateAsync();

        var schema = await DescribeSchemaAsync(_migrated.ConnectionString);

        schema.Should().Contain($"index users.{IdentityDbContext.UniqueEmailIndex}: CREATE UNIQUE INDEX {IdentityDbContext.UniqueEmailIndex} ON public.users USING btree (normalized_email)");
    }

    private static IdentityDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<IdentityDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>Tables, columns (type, length, nullability, default), indexes (full definition) and constraints, as sorted text lines.</summary>
    private static async Task<List<string>> DescribeSchemaAsync(string connectionString)
    {
        const string sql = """
            SELECT 'column ' || c.table_name || '.' || c.column_name || ': ' || c.data_type || ' ' || c.udt_name
                   || ' len=' || coalesce(c.character_maximum_length::text, '-')
                   || ' null=' || c.is_nullable
                   || ' default=' || coalesce(c.column_default, '-')
                   || ' identity=' || c.is_identity
            FROM information_schema.columns c
            WHERE c.table_schema = 'public' AND c.table_name <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'index ' || i.tablename || '.' || i.indexname || ': ' || i.indexdef
            FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'constraint ' || t.relname || '.' || k.conname || ': ' || k.contype::text || ' ' || pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relname <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'table ' || t.table_name || ': ' || t.table_type
            FROM information_schema.tables t
            WHERE t.table_schema = 'public' AND t.table_name <> '__EFMigrationsHistory'
            """;
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
