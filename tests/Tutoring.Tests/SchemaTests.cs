using DaprPlatform.TestSupport;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Tutoring.Tests;

/// <summary>
/// The hand-written migration must create exactly the schema the model describes, plus the one thing the model cannot
/// express (the exclusion constraint, added by SQL). MigrationSchemaGuard compares migration to EnsureCreated and so
/// cannot allow that extra; this test does the same comparison with the constraint applied to the EnsureCreated side.
/// </summary>
public sealed class SchemaTests
{
    private static TutoringDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<TutoringDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema_plus_the_exclusion_constraint()
    {
        var migrated = new PostgresDatabase("tutoring_mig");
        var created = new PostgresDatabase("tutoring_ens");
        await migrated.InitializeAsync();
        await created.InitializeAsync();
        try
        {
            await using (var db = Context(migrated.ConnectionString))
            {
                await db.Database.MigrateAsync();
                (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
                (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261122000010_Initial");
            }

            await using (var db = Context(created.ConnectionString))
            {
                (await db.Database.EnsureCreatedAsync()).Should().BeTrue();
                await db.Database.ExecuteSqlRawAsync(SlotHoldExclusion.AddConstraintSql);
            }

            var migratedSchema = await DatabaseSchema.ReadAsync(migrated.ConnectionString);
            migratedSchema.ShouldEqual(await DatabaseSchema.ReadAsync(created.ConnectionString), "the migrated TutoringDbContext schema");
            migratedSchema.Lines.Should().Contain(
                $"constraint slot_holds.{SlotHoldExclusion.ConstraintName}: x EXCLUDE USING gist (tutor_id WITH =, tstzrange(start_at, end_at) WITH &&) WHERE (((status)::text = ANY ((ARRAY['held'::character varying, 'booked'::character varying])::text[])))");
            migratedSchema.Lines.Should().Contain(l => l.StartsWith("index tutors.ix_tutors_subjects: CREATE INDEX ix_tutors_subjects ON public.tutors USING gin (subjects)", StringComparison.Ordinal));
            migratedSchema.Lines.Should().Contain(l => l.StartsWith("column tutors.availability: jsonb", StringComparison.Ordinal));
            (await ExtensionsAsync(migrated.ConnectionString)).Should().Contain("btree_gist");
        }
        finally
        {
            await migrated.DisposeAsync();
            await created.DisposeAsync();
        }
    }

    private static async Task<List<string>> ExtensionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT extname FROM pg_extension", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
