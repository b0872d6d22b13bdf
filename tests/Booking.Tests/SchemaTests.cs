using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Booking.Tests;

/// <summary>
/// The hand-written migration must create exactly the schema the model describes plus the two overlap exclusion
/// constraints, which EF Core cannot model: the model-built database gets the same constraint SQL before the comparison.
/// </summary>
public sealed class SchemaTests
{
    private static BookingDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrated_schema_equals_the_model_schema_plus_the_overlap_constraints()
    {
        await using var migrated = new PostgresDatabase("booking_mig");
        await using var created = new PostgresDatabase("booking_ens");
        await migrated.InitializeAsync();
        await created.InitializeAsync();

        await using (var db = Context(migrated.ConnectionString))
        {
            await db.Database.MigrateAsync();
            (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            (await db.Database.GetAppliedMigrationsAsync()).Should().Equal("20261122000001_Initial");
        }

        await using (var db = Context(created.ConnectionString))
        {
            (await db.Database.EnsureCreatedAsync()).Should().BeTrue();
            await db.Database.ExecuteSqlRawAsync(BookingDbContext.OverlapConstraintsSql);
        }

        var migratedSchema = await DatabaseSchema.ReadAsync(migrated.ConnectionString);
        migratedSchema.ShouldEqual(await DatabaseSchema.ReadAsync(created.ConnectionString), "the migrated booking schema");
        migratedSchema.Lines.Should().Contain(l => l.StartsWith("column bookings.price_amount: bigint", StringComparison.Ordinal));
        migratedSchema.Lines.Should().Contain(l => l.StartsWith("column outbox_messages.payload: jsonb", StringComparison.Ordinal));
        migratedSchema.Lines.Should().Contain(l =>
            l.StartsWith($"constraint bookings.{BookingDbContext.TutorOverlapConstraint}: x EXCLUDE USING gist (tutor_id WITH =, tstzrange(start_at, end_at) WITH &&)", StringComparison.Ordinal)
            && l.Contains("'Confirmed'", StringComparison.Ordinal) && l.Contains("'Completed'", StringComparison.Ordinal));
        migratedSchema.Lines.Should().Contain(l =>
            l.StartsWith($"constraint bookings.{BookingDbContext.StudentOverlapConstraint}: x EXCLUDE USING gist (student_id WITH =, tstzrange(start_at, end_at) WITH &&)", StringComparison.Ordinal));
        migratedSchema.Lines.Should().NotContain(l => l.StartsWith("column bookings.xmin", StringComparison.Ordinal), "xmin is Postgres' system row version");
    }

    [Fact]
    public async Task The_database_refuses_two_overlapping_confirmed_bookings_of_one_tutor_even_without_the_app()
    {
        await using var database = new PostgresDatabase("booking_ex");
        await database.InitializeAsync();
        await using (var db = Context(database.ConnectionString))
        {
            await db.Database.MigrateAsync();
        }

        var tutor = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await InsertAsync(connection, Guid.NewGuid(), tutor, "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z", "Confirmed");
        // Back to back is fine ([start, end) ranges), and so is an overlapping booking that does not occupy time.
        await InsertAsync(connection, Guid.NewGuid(), tutor, "2030-01-01T11:00:00Z", "2030-01-01T12:00:00Z", "Completed");
        await InsertAsync(connection, Guid.NewGuid(), tutor, "2030-01-01T10:30:00Z", "2030-01-01T11:30:00Z", "AwaitingPayment");

        var overlapping = () => InsertAsync(connection, Guid.NewGuid(), tutor, "2030-01-01T10:45:00Z", "2030-01-01T11:15:00Z", "Confirmed");

        (await overlapping.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.ExclusionViolation);
        (await database.CountAsync("bookings")).Should().Be(3);
    }

    private static async Task InsertAsync(NpgsqlConnection connection, Guid studentId, Guid tutorId, string start, string end, string status)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO bookings (id, workflow_instance_id, student_id, student_name, tutor_id, tutor_name, subject, start_at, end_at,
                                  price_amount, price_currency, status, created_at, updated_at)
            VALUES (@id, 'booking-x', @student, 'S', @tutor, 'T', 'Maths', @start::timestamptz, @end::timestamptz, 4500, 'USD', @status, now(), now())
            """, connection);
        insert.Parameters.AddWithValue("id", Guid.NewGuid());
        insert.Parameters.AddWithValue("student", studentId);
        insert.Parameters.AddWithValue("tutor", tutorId);
        insert.Parameters.AddWithValue("start", start);
        insert.Parameters.AddWithValue("end", end);
        insert.Parameters.AddWithValue("status", status);
        await insert.ExecuteNonQueryAsync();
    }
}
