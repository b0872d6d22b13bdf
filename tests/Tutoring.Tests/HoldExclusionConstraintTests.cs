using DaprPlatform.TestSupport;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Tutoring.Tests;

/// <summary>
/// The live-hold exclusion constraint is the one part of tutoring's schema the model cannot express: the Initial
/// migration adds it with SQL, so neither the model snapshot nor `has-pending-model-changes` would notice it gone.
/// </summary>
public sealed class HoldExclusionConstraintTests
{
    [Fact]
    public async Task The_migrated_database_refuses_two_overlapping_live_holds_of_one_tutor_even_without_the_app()
    {
        await using var database = new PostgresDatabase("tutoring_ex");
        await database.InitializeAsync();
        await using (var db = new TutoringDbContext(new DbContextOptionsBuilder<TutoringDbContext>().UseNpgsql(database.ConnectionString).Options))
        {
            await db.Database.MigrateAsync();
        }

        var tutor = Guid.NewGuid();
        await InsertAsync(database.ConnectionString, tutor, "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z", "held");
        // Back to back is fine ([start, end) ranges), and so are overlapping rows that no longer occupy the slot.
        await InsertAsync(database.ConnectionString, tutor, "2030-01-01T11:00:00Z", "2030-01-01T12:00:00Z", "booked");
        await InsertAsync(database.ConnectionString, tutor, "2030-01-01T10:30:00Z", "2030-01-01T11:30:00Z", "released");
        await InsertAsync(database.ConnectionString, tutor, "2030-01-01T10:30:00Z", "2030-01-01T11:30:00Z", "expired");

        var overlapping = () => InsertAsync(database.ConnectionString, tutor, "2030-01-01T10:45:00Z", "2030-01-01T11:15:00Z", "booked");

        var refused = (await overlapping.Should().ThrowAsync<PostgresException>()).Which;
        refused.SqlState.Should().Be(PostgresErrorCodes.ExclusionViolation);
        refused.ConstraintName.Should().Be(SlotHoldExclusion.ConstraintName);
        (await database.CountAsync("slot_holds")).Should().Be(4);
    }

    private static async Task InsertAsync(string connectionString, Guid tutorId, string start, string end, string status)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO slot_holds (booking_id, tutor_id, tutor_name, student_id, start_at, end_at, price_amount, price_currency,
                                    status, expires_at, created_at, updated_at)
            VALUES (@id, @tutor, 'T', @student, @start::timestamptz, @end::timestamptz, 4500, 'USD', @status, '2030-01-01T09:00:00Z', now(), now())
            """, connection);
        insert.Parameters.AddWithValue("id", Guid.NewGuid());
        insert.Parameters.AddWithValue("tutor", tutorId);
        insert.Parameters.AddWithValue("student", Guid.NewGuid());
        insert.Parameters.AddWithValue("start", start);
        insert.Parameters.AddWithValue("end", end);
        insert.Parameters.AddWithValue("status", status);
        await insert.ExecuteNonQueryAsync();
    }
}
