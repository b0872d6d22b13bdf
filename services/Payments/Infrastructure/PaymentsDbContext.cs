using DaprPlatform.Payments.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Payments.Infrastructure;

public sealed class PaymentsDbContext(DbContextOptions<PaymentsDbContext> options) : DbContext(options), IOutboxStore, IInboxStore
{
    public const string UniqueBookingIndex = "ux_payments_booking_id";
    public const string UniquePaymentIntentIndex = "ux_payments_payment_intent_id";
    public const string RefundsPrimaryKey = "pk_payment_refunds";
    public const string UniqueRefundKeyIndex = "ux_payment_refunds_payment_id_idempotency_key";
    public const string StripeEventsPrimaryKey = "pk_stripe_events";
    public const string StripeCustomersPrimaryKey = "pk_stripe_customers";
    public const string PayoutAccountsPrimaryKey = "pk_payout_accounts";
    public const string UniqueLedgerRefundLevelIndex = "ux_earnings_ledger_booking_id_refunded_total";
    public const string PayoutsPrimaryKey = "pk_payouts";
    public const string PayoutClaimsPrimaryKey = "pk_payout_claims";
    public const string BillingAccountsPrimaryKey = "pk_billing_accounts";
    public const string PlanSubscriptionsPrimaryKey = "pk_plan_subscriptions";
    public const string PlanPricesPrimaryKey = "pk_plan_prices";

    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentRefund> Refunds => Set<PaymentRefund>();
    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();
    public DbSet<StripeCustomer> StripeCustomers => Set<StripeCustomer>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<PayoutAccount> PayoutAccounts => Set<PayoutAccount>();
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();
    public DbSet<Payout> Payouts => Set<Payout>();
    public DbSet<PayoutClaim> PayoutClaims => Set<PayoutClaim>();
    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();
    public DbSet<PlanSubscription> PlanSubscriptions => Set<PlanSubscription>();
    public DbSet<PlanPrice> PlanPrices => Set<PlanPrice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<Payment>(ConfigurePayment);
        modelBuilder.Entity<PaymentRefund>(ConfigureRefund);
        modelBuilder.Entity<StripeEvent>(ConfigureStripeEvent);
        modelBuilder.Entity<StripeCustomer>(ConfigureStripeCustomer);
        modelBuilder.Entity<PayoutAccount>(ConfigurePayoutAccount);
        modelBuilder.Entity<LedgerEntry>(ConfigureLedgerEntry);
        modelBuilder.Entity<Payout>(ConfigurePayout);
        modelBuilder.Entity<PayoutClaim>(ConfigurePayoutClaim);
        modelBuilder.Entity<BillingAccount>(ConfigureBillingAccount);
        modelBuilder.Entity<PlanSubscription>(ConfigurePlanSubscription);
        modelBuilder.Entity<PlanPrice>(ConfigurePlanPrice);
    }

    private static void ConfigureBillingAccount(EntityTypeBuilder<BillingAccount> e)
    {
        e.ToTable("billing_accounts");
        e.HasKey(a => a.OwnerId).HasName(BillingAccountsPrimaryKey);
        e.Property(a => a.OwnerId).HasColumnName("owner_id").ValueGeneratedNever();
        e.Property(a => a.CustomerId).HasColumnName("customer_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(a => a.TestClockId).HasColumnName("test_clock_id").HasMaxLength(BillingAccount.MaxTestClockIdLength);
        e.Property(a => a.Plan).HasColumnName("plan").HasMaxLength(Plan.MaxCodeLength);
        e.Property(a => a.PlanVersion).HasColumnName("plan_version");
        e.Property(a => a.LastChangeReason).HasColumnName("last_change_reason").HasMaxLength(16);
        e.Property(a => a.SubscriptionsStarted).HasColumnName("subscriptions_started");
        e.Property(a => a.CardUpdates).HasColumnName("card_updates");
        e.Property(a => a.CreatedAt).HasColumnName("created_at");
        e.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        // The plan's version must grow by exactly one per change: two webhooks moving one owner's plan at once retry on xmin.
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        e.HasIndex(a => a.CustomerId).IsUnique().HasDatabaseName("ux_billing_accounts_customer_id");
    }

    private static void ConfigurePlanSubscription(EntityTypeBuilder<PlanSubscription> e)
    {
        e.ToTable("plan_subscriptions");
        e.HasKey(s => s.Id).HasName(PlanSubscriptionsPrimaryKey);
        e.Property(s => s.Id).HasColumnName("id").HasMaxLength(Payment.MaxStripeIdLength).ValueGeneratedNever();
        e.Property(s => s.OwnerId).HasColumnName("owner_id");
        e.Property(s => s.Status).HasColumnName("status").HasMaxLength(PlanSubscription.MaxStatusLength);
        e.Property(s => s.Plan).HasColumnName("plan").HasMaxLength(Plan.MaxCodeLength);
        e.Property(s => s.PriceId).HasColumnName("price_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(s => s.ItemId).HasColumnName("item_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(s => s.CurrentPeriodEnd).HasColumnName("current_period_end");
        e.Property(s => s.CancelAtPeriodEnd).HasColumnName("cancel_at_period_end");
        e.Property(s => s.StateAt).HasColumnName("state_at");
        e.Property(s => s.DunningInvoiceId).HasColumnName("dunning_invoice_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(s => s.DunningInstanceId).HasColumnName("dunning_instance_id").HasMaxLength(PlanSubscription.MaxInstanceIdLength);
        e.Property(s => s.GraceUntil).HasColumnName("grace_until");
        e.Property(s => s.CreatedAt).HasColumnName("created_at");
        e.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        e.HasOne<BillingAccount>().WithMany().HasForeignKey(s => s.OwnerId).HasConstraintName("fk_plan_subscriptions_billing_accounts_owner_id").OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(s => new { s.OwnerId, s.CreatedAt }).HasDatabaseName("ix_plan_subscriptions_owner_id_created_at");
    }

    private static void ConfigurePlanPrice(EntityTypeBuilder<PlanPrice> e)
    {
        e.ToTable("plan_prices");
        e.HasKey(p => p.PlanCode).HasName(PlanPricesPrimaryKey);
        e.Property(p => p.PlanCode).HasColumnName("plan_code").HasMaxLength(Plan.MaxCodeLength).ValueGeneratedNever();
        e.Property(p => p.PriceId).HasColumnName("price_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.ProductId).HasColumnName("product_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.Amount).HasColumnName("amount");
        e.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3);
        e.Property(p => p.SyncedAt).HasColumnName("synced_at");
    }

    private static void ConfigurePayoutAccount(EntityTypeBuilder<PayoutAccount> e)
    {
        e.ToTable("payout_accounts");
        e.HasKey(a => a.TutorId).HasName(PayoutAccountsPrimaryKey);
        e.Property(a => a.TutorId).HasColumnName("tutor_id").ValueGeneratedNever();
        e.Property(a => a.StripeAccountId).HasColumnName("stripe_account_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(a => a.DetailsSubmitted).HasColumnName("details_submitted");
        e.Property(a => a.PayoutsEnabled).HasColumnName("payouts_enabled");
        e.Property(a => a.TransfersActive).HasColumnName("transfers_active");
        e.Property(a => a.CreatedAt).HasColumnName("created_at");
        e.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        e.HasIndex(a => a.StripeAccountId).IsUnique().HasDatabaseName("ux_payout_accounts_stripe_account_id");
    }

    private static void ConfigureLedgerEntry(EntityTypeBuilder<LedgerEntry> e)
    {
        // Append-only: the app inserts rows and never updates or deletes them (the invariant checker reads them as history).
        e.ToTable("earnings_ledger");
        e.HasKey(x => x.Id).HasName("pk_earnings_ledger");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.TutorId).HasColumnName("tutor_id");
        e.Property(x => x.BookingId).HasColumnName("booking_id");
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Amount).HasColumnName("amount");
        e.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        e.Property(x => x.BookingPrice).HasColumnName("booking_price");
        e.Property(x => x.RefundedTotal).HasColumnName("refunded_total");
        e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        e.Property(x => x.RecordedAt).HasColumnName("recorded_at");
        // One earning per booking (refunded_total 0) and one entry per refund level: a repeated report adds nothing.
        e.HasIndex(x => new { x.BookingId, x.RefundedTotal }).IsUnique().HasDatabaseName(UniqueLedgerRefundLevelIndex);
        e.HasIndex(x => new { x.TutorId, x.OccurredAt }).HasDatabaseName("ix_earnings_ledger_tutor_id_occurred_at");
    }

    private static void ConfigurePayout(EntityTypeBuilder<Payout> e)
    {
        e.ToTable("payouts");
        e.HasKey(p => p.Id).HasName(PayoutsPrimaryKey);
        e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(p => p.TutorId).HasColumnName("tutor_id");
        e.Property(p => p.PeriodStart).HasColumnName("period_start");
        e.Property(p => p.PeriodEnd).HasColumnName("period_end");
        e.Property(p => p.Amount).HasColumnName("amount");
        e.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3);
        e.Property(p => p.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        e.Property(p => p.TransferId).HasColumnName("transfer_id").HasMaxLength(Payment.MaxStripeIdLength);
        e.Property(p => p.FailureReason).HasColumnName("failure_reason").HasMaxLength(Payout.MaxFailureReasonLength);
        e.Property(p => p.CreatedAt).HasColumnName("created_at");
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        // One payout per tutor and period, decided by the database (the id is derived from them too).
        e.HasIndex(p => new { p.TutorId, p.PeriodStart, p.PeriodEnd }).IsUnique().HasDatabaseName("ux_payouts_tutor_id_period");
        e.HasIndex(p => p.TransferId).IsUnique().HasDatabaseName("ux_payouts_transfer_id");
    }

    private static void ConfigurePayoutClaim(EntityTypeBuilder<PayoutClaim> e)
    {
        e.ToTable("payout_claims");
        e.HasKey(c => new { c.PayoutId, c.EntryId }).HasName(PayoutClaimsPrimaryKey);
        e.Property(c => c.PayoutId).HasColumnName("payout_id");
        e.Property(c => c.EntryId).HasColumnName("entry_id");
        e.HasOne<Payout>().WithMany().HasForeignKey(c => c.PayoutId).HasConstraintName("fk_payout_claims_payouts_payout_id").OnDelete(DeleteBehavior.Restrict);
        e.HasOne<LedgerEntry>().WithMany().HasForeignKey(c => c.EntryId).HasConstraintName("fk_payout_claims_earnings_ledger_entry_id").OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(c => c.EntryId).HasDatabaseName("ix_payout_claims_entry_id");
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
