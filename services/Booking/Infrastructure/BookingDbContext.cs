using DaprPlatform.Booking.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Booking.Infrastructure;

public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options), IOutboxStore
{
    /// <summary>
    /// No two bookings that occupy time (confirmed, completed) may overlap for one student or one tutor; ranges are
    /// half-open, so back-to-back sessions pass. EF Core cannot model exclusion constraints: the Initial migration adds
    /// them with SQL (on the model's btree_gist extension), and SchemaTests checks the database enforces them.
    /// </summary>
    public const string StudentOverlapConstraint = "ex_bookings_student_overlap";
    public const string TutorOverlapConstraint = "ex_bookings_tutor_overlap";

    public DbSet<Domain.Booking> Bookings => Set<Domain.Booking>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        // btree_gist lets one GiST exclusion constraint combine "same student/tutor" (=) with "ranges overlap" (&&).
        modelBuilder.HasPostgresExtension("btree_gist");
        modelBuilder.ConfigureOutbox();
        modelBuilder.Entity<Domain.Booking>(ConfigureBooking);
    }

    private static void ConfigureBooking(EntityTypeBuilder<Domain.Booking> e)
    {
        e.ToTable("bookings");
        e.HasKey(b => b.Id).HasName("pk_bookings");
        e.Property(b => b.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(b => b.WorkflowInstanceId).HasColumnName("workflow_instance_id").HasMaxLength(Domain.Booking.MaxWorkflowInstanceIdLength);
        e.Property(b => b.StudentId).HasColumnName("student_id");
        e.Property(b => b.StudentName).HasColumnName("student_name").HasMaxLength(Domain.Booking.MaxNameLength);
        e.Property(b => b.TutorId).HasColumnName("tutor_id");
        e.Property(b => b.TutorName).HasColumnName("tutor_name").HasMaxLength(Domain.Booking.MaxNameLength);
        e.Property(b => b.Subject).HasColumnName("subject").HasMaxLength(Domain.Booking.MaxSubjectLength);
        e.Property(b => b.Start).HasColumnName("start_at");
        e.Property(b => b.End).HasColumnName("end_at");
        e.Property(b => b.PriceMinorUnits).HasColumnName("price_amount");
        e.Property(b => b.PriceCurrency).HasColumnName("price_currency").HasMaxLength(Domain.Booking.CurrencyCodeLength).IsFixedLength();
        // Stored by name: the exclusion constraints' WHERE clause names the statuses that occupy time.
        e.Property(b => b.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(32);
        e.Property(b => b.PaymentId).HasColumnName("payment_id");
        e.Property(b => b.PaymentIntentId).HasColumnName("payment_intent_id").HasMaxLength(Domain.Booking.MaxPaymentIntentIdLength);
        e.Property(b => b.RefundMinorUnits).HasColumnName("refund_amount");
        e.Property(b => b.CancellationReason).HasColumnName("cancellation_reason").HasMaxLength(Domain.Booking.MaxCancellationReasonLength);
        e.Property(b => b.CreatedAt).HasColumnName("created_at");
        e.Property(b => b.UpdatedAt).HasColumnName("updated_at");
        // Postgres' row version: two saga retries racing on one booking cannot both apply a transition (and both enqueue its event).
        e.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        e.Ignore(b => b.Currency);
        e.Ignore(b => b.Price);
        e.Ignore(b => b.Refund);
        e.Ignore(b => b.DurationMinutes);
        e.HasIndex(b => new { b.StudentId, b.Start }).HasDatabaseName("ix_bookings_student_id_start_at");
        e.HasIndex(b => new { b.TutorId, b.Start }).HasDatabaseName("ix_bookings_tutor_id_start_at");
    }
}
