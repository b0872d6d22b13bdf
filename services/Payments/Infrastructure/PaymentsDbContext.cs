using DaprPlatform.Payments.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Payments.Infrastructure;

public sealed class PaymentsDbContext(DbContextOptions<PaymentsDbContext> options) : DbContext(options), IOutboxStore
{
    public const string UniqueBookingIndex = "ux_payments_booking_id";
    public const string UniquePaymentIntentIndex = "ux_payments_payment_intent_id";
    public const string RefundsPrimaryKey = "pk_payment_refunds";
    public const string UniqueRefundKeyIndex = "ux_payment_refunds_payment_id_idempotency_key";
    public const string StripeEventsPrimaryKey = "pk_stripe_events";
    public const string StripeCustomersPrimaryKey = "pk_stripe_customers";

    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentRefund> Refunds => Set<PaymentRefund>();
    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();
    public DbSet<StripeCustomer> StripeCustomers => Set<StripeCustomer>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.Entity<Payment>(ConfigurePayment);
        modelBuilder.Entity<PaymentRefund>(ConfigureRefund);
        modelBuilder.Entity<StripeEvent>(ConfigureStripeEvent);
        modelBuilder.Entity<StripeCustomer>(ConfigureStripeCustomer);
    }

    private static void ConfigurePayment(EntityTypeBuilder<Payment> e)
    {
        e.ToTable("payments");
        e.HasKey(p => p.Id).HasName("pk_payments");
        e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(p => p.BookingId).HasColumnName("booking_id");
        e.Property(p => p.StudentId).HasColumnName("student_id");
        e.Property(p => p.Amount).HasColumnName("amount");
        e.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3);
        e.Property(p => p.Refunded).HasColumnName("refunded");
        e.Property(p => p.RefundedByUs).HasColumnName("refunded_by_us");
        e.Property(p => p.RefundedReported).HasColumnName("refunded_reported");
        e.Property(p => p.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(32);
        e.Property(p => p.PaymentIntentId).HasColumnName("payment_intent_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.ClientSecret).HasColumnName("client_secret").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.CustomerId).HasColumnName("customer_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.Description).HasColumnName("description").HasMaxLength(Payment.MaxDescriptionLength);
        e.Property(p => p.WorkflowInstanceId).HasColumnName("workflow_instance_id").HasMaxLength(Payment.MaxWorkflowInstanceIdLength);
        e.Property(p => p.FailureCode).HasColumnName("failure_code").HasMaxLength(Payment.MaxFailureCodeLength);
        e.Property(p => p.FailureMessage).HasColumnName("failure_message").HasMaxLength(Payment.MaxFailureMessageLength);
        e.Property(p => p.ConfirmAttempts).HasColumnName("confirm_attempts");
        e.Property(p => p.CreatedAt).HasColumnName("created_at");
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        // PostgreSQL's xmin as an optimistic concurrency token: a webhook and an API call updating the same payment
        // at once cannot both win with stale totals. A system column, so the migration creates nothing for it.
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        // One payment per booking, decided by the database.
        e.HasIndex(p => p.BookingId).IsUnique().HasDatabaseName(UniqueBookingIndex);
        e.HasIndex(p => p.PaymentIntentId).IsUnique().HasDatabaseName(UniquePaymentIntentIndex);
        e.HasIndex(p => new { p.StudentId, p.CreatedAt }).HasDatabaseName("ix_payments_student_id_created_at");
    }

    private static void ConfigureRefund(EntityTypeBuilder<PaymentRefund> e)
    {
        e.ToTable("payment_refunds");
        e.HasKey(r => r.RefundId).HasName(RefundsPrimaryKey);
        e.Property(r => r.RefundId).HasColumnName("refund_id").HasMaxLength(Payment.MaxStripeIdLength).ValueGeneratedNever();
        e.Property(r => r.PaymentId).HasColumnName("payment_id");
        e.Property(r => r.Amount).HasColumnName("amount");
        e.Property(r => r.Status).HasColumnName("status").HasMaxLength(32);
        e.Property(r => r.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(PaymentRefund.MaxIdempotencyKeyLength);
        e.Property(r => r.Reason).HasColumnName("reason").HasMaxLength(PaymentRefund.MaxReasonLength);
        e.Property(r => r.CreatedAt).HasColumnName("created_at");
        e.HasOne<Payment>().WithMany().HasForeignKey(r => r.PaymentId).HasConstraintName("fk_payment_refunds_payments_payment_id").OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(r => new { r.PaymentId, r.IdempotencyKey }).IsUnique().HasDatabaseName(UniqueRefundKeyIndex);
    }

    private static void ConfigureStripeEvent(EntityTypeBuilder<StripeEvent> e)
    {
        e.ToTable("stripe_events");
        e.HasKey(x => x.Id).HasName(StripeEventsPrimaryKey);
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(StripeEvent.MaxIdLength).ValueGeneratedNever();
        e.Property(x => x.Type).HasColumnName("type").HasMaxLength(StripeEvent.MaxTypeLength);
        e.Property(x => x.PaymentId).HasColumnName("payment_id");
        e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(32);
        e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        e.Property(x => x.ReceivedAt).HasColumnName("received_at");
        e.HasIndex(x => x.PaymentId).HasDatabaseName("ix_stripe_events_payment_id");
    }

    private static void ConfigureStripeCustomer(EntityTypeBuilder<StripeCustomer> e)
    {
        e.ToTable("stripe_customers");
        e.HasKey(x => x.StudentId).HasName(StripeCustomersPrimaryKey);
        e.Property(x => x.StudentId).HasColumnName("student_id").ValueGeneratedNever();
        e.Property(x => x.CustomerId).HasColumnName("customer_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}
