using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Booking.Tests;

/// <summary>
/// The overlap exclusion constraints are the one part of booking's schema the model cannot express: the Initial
/// migration adds them with SQL, so neither the model snapshot nor `has-pending-model-changes` would notice them gone.
/// </summary>
public sealed class OverlapConstraintTests
{
    [Theory]
    [InlineData(true, BookingDbContext.TutorOverlapConstraint)]
    [InlineData(false, BookingDbContext.StudentOverlapConstraint)]
    public async Task The_migrated_database_refuses_two_overlapping_confirmed_bookings_even_without_the_app(bool sameTutor, string constraint)
    {
        await using var database = new PostgresDatabase("booking_ex");
        await database.InitializeAsync();
        await using (var db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(database.ConnectionString).Options))
        {
            await db.Database.MigrateAsync();
        }

        var shared = Guid.NewGuid();
        Task Insert(string start, string end, string status) => sameTutor
            ? InsertAsync(database.ConnectionString, Guid.NewGuid(), shared, start, end, status)
            : InsertAsync(database.ConnectionString, shared, Guid.NewGuid(), start, end, status);

        await Insert("2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z", "Confirmed");
        // Back to back is fine ([start, end) ranges), and so is an overlapping booking that does not occupy time.
        await Insert("2030-01-01T11:00:00Z", "2030-01-01T12:00:00Z", "Completed");
        await Insert("2030-01-01T10:30:00Z", "2030-01-01T11:30:00Z", "AwaitingPayment");

        var overlapping = () => Insert("2030-01-01T10:45:00Z", "2030-01-01T11:15:00Z", "Confirmed");

        var refused = (await overlapping.Should().ThrowAsync<PostgresException>()).Which;
        refused.SqlState.Should().Be(PostgresErrorCodes.ExclusionViolation);
        refused.ConstraintName.Should().Be(constraint);
        (await database.CountAsync("bookings")).Should().Be(3);
    }

    private static async Task InsertAsync(string connectionString, Guid studentId, Guid tutorId, string start, string end, string status)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
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
