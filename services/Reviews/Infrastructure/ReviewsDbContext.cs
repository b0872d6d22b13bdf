using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Reviews.Infrastructure;

public sealed class ReviewsDbContext(DbContextOptions<ReviewsDbContext> options) : DbContext(options), IOutboxStore, IInboxStore
{
    /// <summary>One review per booking: a concurrent second post loses on this index (409).</summary>
    public const string OneReviewPerBookingIndex = "ux_reviews_booking_id";

    public const string FlagPrimaryKey = "pk_review_flags";

    public const string HelpfulVotePrimaryKey = "pk_helpful_votes";

    public DbSet<ReviewableBooking> ReviewableBookings => Set<ReviewableBooking>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<ReviewFlag> Flags => Set<ReviewFlag>();
    public DbSet<HelpfulVote> HelpfulVotes => Set<HelpfulVote>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<ReviewableBooking>(ConfigureReviewableBooking);
        modelBuilder.Entity<Review>(ConfigureReview);
        modelBuilder.Entity<ReviewFlag>(ConfigureFlag);
        modelBuilder.Entity<HelpfulVote>(ConfigureHelpfulVote);
    }

    private static void ConfigureReviewableBooking(EntityTypeBuilder<ReviewableBooking> e)
    {
        e.ToTable("reviewable_bookings");
        e.HasKey(b => b.BookingId).HasName("pk_reviewable_bookings");
        e.Property(b => b.BookingId).HasColumnName("booking_id").ValueGeneratedNever();
        e.Property(b => b.StudentId).HasColumnName("student_id");
        e.Property(b => b.StudentName).HasColumnName("student_name").HasMaxLength(ReviewableBooking.MaxNameLength);
        e.Property(b => b.TutorId).HasColumnName("tutor_id");
        e.Property(b => b.TutorName).HasColumnName("tutor_name").HasMaxLength(ReviewableBooking.MaxNameLength);
        e.Property(b => b.Subject).HasColumnName("subject").HasMaxLength(ReviewableBooking.MaxSubjectLength);
        e.Property(b => b.CompletedAt).HasColumnName("completed_at");
        e.Property(b => b.CancelledAt).HasColumnName("cancelled_at");
        e.Ignore(b => b.IsReviewable);
    }

    private static void ConfigureReview(EntityTypeBuilder<Review> e)
    {
        e.ToTable("reviews");
        e.HasKey(r => r.Id).HasName("pk_reviews");
        e.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(r => r.BookingId).HasColumnName("booking_id");
        e.Property(r => r.TutorId).HasColumnName("tutor_id");
        e.Property(r => r.StudentId).HasColumnName("student_id");
        e.Property(r => r.StudentName).HasColumnName("student_name").HasMaxLength(ReviewableBooking.MaxNameLength);
        e.Property(r => r.Subject).HasColumnName("subject").HasMaxLength(ReviewableBooking.MaxSubjectLength);
        e.Property(r => r.Rating).HasColumnName("rating");
        e.Property(r => r.Comment).HasColumnName("comment").HasMaxLength(Review.MaxCommentLength);
        // Stored by name: the public list and the moderation queue filter on it in SQL.
        e.Property(r => r.State).HasColumnName("state").HasConversion<string>().HasMaxLength(16);
        e.Property(r => r.Version).HasColumnName("version");
        e.Property(r => r.PostedAt).HasColumnName("posted_at");
        e.Property(r => r.EditedAt).HasColumnName("edited_at");
        e.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        e.Property(r => r.ReplyText).HasColumnName("reply_text").HasMaxLength(Review.MaxReplyLength);
        e.Property(r => r.RepliedAt).HasColumnName("replied_at");
        e.Property(r => r.HelpfulCount).HasColumnName("helpful_count");
        e.Property(r => r.FlagCount).HasColumnName("flag_count");
        // Postgres' row version: concurrent flags, helpful marks and edits of one review cannot lose each other's update
        // (nor both hide it and publish two events for one version).
        e.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        e.Ignore(r => r.EditableUntil);
        e.Ignore(r => r.OpenFlagCount);
        e.HasMany(r => r.Flags).WithOne().HasForeignKey(f => f.ReviewId).HasConstraintName("fk_review_flags_reviews_review_id").OnDelete(DeleteBehavior.Cascade);
        e.Navigation(r => r.Flags).HasField("_flags").UsePropertyAccessMode(PropertyAccessMode.Field);
        e.HasIndex(r => r.BookingId).IsUnique().HasDatabaseName(OneReviewPerBookingIndex);
        // The public list's two orders (keyset paging), visible reviews only.
        e.HasIndex(r => new { r.TutorId, r.PostedAt, r.Id }).HasDatabaseName("ix_reviews_tutor_id_posted_at").HasFilter("state = 'Visible'");
        e.HasIndex(r => new { r.TutorId, r.HelpfulCount, r.PostedAt, r.Id }).HasDatabaseName("ix_reviews_tutor_id_helpful").HasFilter("state = 'Visible'");
        // A student's own reviews, newest first (GET /api/reviews/mine).
        e.HasIndex(r => new { r.StudentId, r.PostedAt, r.Id }).HasDatabaseName("ix_reviews_student_id_posted_at");
    }

    private static void ConfigureFlag(EntityTypeBuilder<ReviewFlag> e)
    {
        e.ToTable("review_flags");
        e.HasKey(f => new { f.ReviewId, f.UserId }).HasName(FlagPrimaryKey);
        e.Property(f => f.ReviewId).HasColumnName("review_id");
        e.Property(f => f.UserId).HasColumnName("user_id");
        e.Property(f => f.Reason).HasColumnName("reason").HasConversion<string>().HasMaxLength(32);
        e.Property(f => f.Note).HasColumnName("note").HasMaxLength(ReviewFlag.MaxNoteLength);
        e.Property(f => f.FlaggedAt).HasColumnName("flagged_at");
        e.Property(f => f.Resolved).HasColumnName("resolved");
    }

    private static void ConfigureHelpfulVote(EntityTypeBuilder<HelpfulVote> e)
    {
        e.ToTable("helpful_votes");
        e.HasKey(v => new { v.ReviewId, v.UserId }).HasName(HelpfulVotePrimaryKey);
        e.Property(v => v.ReviewId).HasColumnName("review_id");
        e.Property(v => v.UserId).HasColumnName("user_id");
        e.Property(v => v.MarkedAt).HasColumnName("marked_at");
        e.HasOne<Review>().WithMany().HasForeignKey(v => v.ReviewId).HasConstraintName("fk_helpful_votes_reviews_review_id").OnDelete(DeleteBehavior.Cascade);
    }
}
