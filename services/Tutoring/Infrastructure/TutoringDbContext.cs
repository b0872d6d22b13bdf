using System.Text.Json;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Tutoring.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DaprPlatform.Tutoring.Infrastructure;

public sealed class TutoringDbContext(DbContextOptions<TutoringDbContext> options) : DbContext(options), IInboxStore
{
    public const string TutorsPrimaryKey = "pk_tutors";
    public const string SlotHoldsPrimaryKey = "pk_slot_holds";
    public const string SubjectsIndex = "ix_tutors_subjects";
    public const string TutorRatingsPrimaryKey = "pk_tutor_ratings";

    public DbSet<TutorProfile> Tutors => Set<TutorProfile>();
    public DbSet<SlotHold> SlotHolds => Set<SlotHold>();
    public DbSet<ReviewRating> ReviewRatings => Set<ReviewRating>();
    public DbSet<TutorRating> TutorRatings => Set<TutorRating>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasPostgresExtension(SlotHoldExclusion.Extension);
        modelBuilder.Entity<TutorProfile>(ConfigureTutor);
        modelBuilder.Entity<SlotHold>(ConfigureHold);
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<ReviewRating>(ConfigureReviewRating);
        modelBuilder.Entity<TutorRating>(ConfigureTutorRating);
    }

    private static void ConfigureReviewRating(EntityTypeBuilder<ReviewRating> e)
    {
        e.ToTable("review_ratings", t =>
        {
            t.HasCheckConstraint("ck_review_ratings_stars", "stars BETWEEN 1 AND 5");
            t.HasCheckConstraint("ck_review_ratings_state", "state IN ('visible', 'hidden', 'deleted')");
        });
        e.HasKey(r => r.ReviewId).HasName("pk_review_ratings");
        e.Property(r => r.ReviewId).HasColumnName("review_id").ValueGeneratedNever();
        e.Property(r => r.TutorId).HasColumnName("tutor_id");
        e.Property(r => r.Stars).HasColumnName("stars");
        e.Property(r => r.State).HasColumnName("state").HasMaxLength(16)
            .HasConversion(s => ReviewSnapshot.WireName(s), s => ReviewSnapshot.ParseState(s) ?? ReviewState.Deleted);
        e.Property(r => r.Version).HasColumnName("version");
        e.Property(r => r.OccurredAt).HasColumnName("occurred_at");
        e.Ignore(r => r.Counts);
        // The recount reads one tutor's reviews.
        e.HasIndex(r => r.TutorId).HasDatabaseName("ix_review_ratings_tutor_id");
    }

    private static void ConfigureTutorRating(EntityTypeBuilder<TutorRating> e)
    {
        // No foreign key to tutors: a review event may be projected before (or without) the profile it rates.
        e.ToTable("tutor_ratings", t => t.HasCheckConstraint("ck_tutor_ratings_distribution", "cardinality(distribution) = 5"));
        e.HasKey(r => r.TutorId).HasName(TutorRatingsPrimaryKey);
        e.Property(r => r.TutorId).HasColumnName("tutor_id").ValueGeneratedNever();
        e.Property(r => r.Count).HasColumnName("review_count");
        e.Property(r => r.Average).HasColumnName("average").HasPrecision(2, 1);
        e.Property(r => r.Distribution).HasColumnName("distribution").HasColumnType("integer[]");
        e.Property(r => r.UpdatedAt).HasColumnName("updated_at");
        // Search by minRating and sort=rating read the average and count.
        e.HasIndex(r => new { r.Average, r.Count }).HasDatabaseName("ix_tutor_ratings_average_review_count");
    }

    private static void ConfigureTutor(EntityTypeBuilder<TutorProfile> e)
    {
        e.ToTable("tutors");
        e.HasKey(t => t.TutorId).HasName(TutorsPrimaryKey);
        e.Property(t => t.TutorId).HasColumnName("tutor_id").ValueGeneratedNever();
        e.Property(t => t.DisplayName).HasColumnName("display_name").HasMaxLength(TutorProfileRules.MaxDisplayNameLength);
        e.Property(t => t.Bio).HasColumnName("bio").HasMaxLength(TutorProfileRules.MaxBioLength);
        e.Property(t => t.Subjects).HasColumnName("subjects").HasColumnType("text[]");
        e.Property(t => t.RateMinorUnits).HasColumnName("hourly_rate_amount");
        e.Property(t => t.RateCurrency).HasColumnName("hourly_rate_currency").HasMaxLength(3);
        e.Property(t => t.TimeZoneId).HasColumnName("timezone").HasMaxLength(TutorProfileRules.MaxTimeZoneIdLength);
        e.Property(t => t.Availability).HasColumnName("availability").HasColumnType("jsonb")
            .HasConversion(AvailabilityJson.Converter, AvailabilityJson.Comparer);
        e.Property(t => t.CreatedAt).HasColumnName("created_at");
        e.Property(t => t.UpdatedAt).HasColumnName("updated_at");
        e.Ignore(t => t.HourlyRate);
        e.Ignore(t => t.TimeZone);
        // Search filters on "this subject is one of the tutor's": an array containment index.
        e.HasIndex(t => t.Subjects).HasMethod("gin").HasDatabaseName(SubjectsIndex);
        e.HasIndex(t => new { t.RateCurrency, t.RateMinorUnits }).HasDatabaseName("ix_tutors_hourly_rate");
    }

    private static void ConfigureHold(EntityTypeBuilder<SlotHold> e)
    {
        e.ToTable("slot_holds", t => t.HasCheckConstraint("ck_slot_holds_status", "status IN ('held', 'booked', 'released', 'expired')"));
        e.HasKey(h => h.BookingId).HasName(SlotHoldsPrimaryKey);
        e.Property(h => h.BookingId).HasColumnName("booking_id").ValueGeneratedNever();
        e.Property(h => h.TutorId).HasColumnName("tutor_id");
        e.Property(h => h.TutorName).HasColumnName("tutor_name").HasMaxLength(TutorProfileRules.MaxDisplayNameLength);
        e.Property(h => h.StudentId).HasColumnName("student_id");
        e.Property(h => h.Start).HasColumnName("start_at");
        e.Property(h => h.End).HasColumnName("end_at");
        e.Property(h => h.PriceMinorUnits).HasColumnName("price_amount");
        e.Property(h => h.PriceCurrency).HasColumnName("price_currency").HasMaxLength(3);
        e.Property(h => h.Status).HasColumnName("status").HasMaxLength(16)
            .HasConversion(s => SlotHold.WireName(s), s => ParseStatus(s));
        e.Property(h => h.ExpiresAt).HasColumnName("expires_at");
        e.Property(h => h.CreatedAt).HasColumnName("created_at");
        e.Property(h => h.UpdatedAt).HasColumnName("updated_at");
        e.Ignore(h => h.Price);
        e.Ignore(h => h.Range);
        // PostgreSQL's xmin as the concurrency token (a system column, nothing added to the table): a book racing a
        // release cannot silently overwrite it.
        e.Property<uint>("Version").IsRowVersion();
        e.HasIndex(h => new { h.TutorId, h.Start }).HasDatabaseName("ix_slot_holds_tutor_id_start_at");
    }

    private static HoldStatus ParseStatus(string status) => status switch
    {
        "held" => HoldStatus.Held,
        "booked" => HoldStatus.Booked,
        "released" => HoldStatus.Released,
        _ => HoldStatus.Expired,
    };
}

/// <summary>
/// What the model cannot express and the Initial migration adds with SQL: "two live holds of one tutor never overlap",
/// decided by PostgreSQL so concurrent holds cannot both win. Expired and released rows stay for the record.
/// </summary>
public static class SlotHoldExclusion
{
    public const string Extension = "btree_gist";
    public const string ConstraintName = "ex_slot_holds_tutor_live_overlap";
}

/// <summary>Availability as jsonb: <c>[{"day":"monday","start":"09:00","end":"17:00"}]</c>, the wire shape.</summary>
internal static class AvailabilityJson
{
    private sealed record StoredRule(string Day, string Start, string End);

    public static ValueConverter<WeeklyAvailability, string> Converter { get; } = new(a => Write(a), s => Read(s));

    public static ValueComparer<WeeklyAvailability> Comparer { get; } = new(
        (a, b) => Write(a!) == Write(b!),
        a => Write(a).GetHashCode(StringComparison.Ordinal),
        a => Read(Write(a)));

    private static string Write(WeeklyAvailability availability) =>
        JsonSerializer.Serialize(availability.Rules.Select(r => new StoredRule(WeeklyAvailability.DayName(r.Day), r.StartText, r.EndText)), JsonSerializerOptions.Web);

    private static WeeklyAvailability Read(string json)
    {
        var rules = JsonSerializer.Deserialize<List<StoredRule>>(json, JsonSerializerOptions.Web) ?? [];
        var errors = WeeklyAvailability.Check(rules.Select(r => new SubmittedRule(r.Day, r.Start, r.End)).ToList<SubmittedRule?>(), out var availability);
        return errors.Count == 0 ? availability! : throw new InvalidOperationException("Stored availability is invalid: " + string.Join("; ", errors));
    }
}
