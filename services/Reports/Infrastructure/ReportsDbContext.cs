using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Reports.Infrastructure;

public sealed class ReportsDbContext(DbContextOptions<ReportsDbContext> options) : DbContext(options), IOutboxStore, IInboxStore
{
    /// <summary>Share links are found by their token's hash.</summary>
    public const string ShareTokenIndex = "ux_share_links_token_hash";

    public DbSet<ReportExport> Exports => Set<ReportExport>();
    public DbSet<ExportFile> ExportFiles => Set<ExportFile>();
    public DbSet<GatheredHour> GatheredHours => Set<GatheredHour>();
    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();
    public DbSet<OwnerPlan> OwnerPlans => Set<OwnerPlan>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<ReportExport>(ConfigureExport);
        modelBuilder.Entity<ExportFile>(ConfigureFile);
        modelBuilder.Entity<GatheredHour>(ConfigureGatheredHour);
        modelBuilder.Entity<ShareLink>(ConfigureShareLink);
        modelBuilder.Entity<OwnerPlan>(ConfigureOwnerPlan);
    }

    private static void ConfigureExport(EntityTypeBuilder<ReportExport> e)
    {
        e.ToTable("exports");
        e.HasKey(x => x.Id).HasName("pk_exports");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.OwnerId).HasColumnName("owner_id");
        e.Property(x => x.OwnerName).HasColumnName("owner_name").HasMaxLength(ReportExport.MaxOwnerNameLength);
        e.Property(x => x.ChannelId).HasColumnName("channel_id");
        e.Property(x => x.ChannelTitle).HasColumnName("channel_title").HasMaxLength(ReportExport.MaxChannelTitleLength);
        e.Property(x => x.From).HasColumnName("period_from");
        e.Property(x => x.To).HasColumnName("period_to");
        e.Property(x => x.Format).HasColumnName("format").HasConversion<string>().HasMaxLength(8);
        e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.FailureReason).HasColumnName("failure_reason").HasMaxLength(ReportExport.MaxFailureReasonLength);
        e.Property(x => x.SizeBytes).HasColumnName("size_bytes");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.CompletedAt).HasColumnName("completed_at");
        // PostgreSQL's xmin as an optimistic concurrency token: two runs of an ending step at once cannot both end the export
        // (and so both announce it); the loser fails on the version and its retry finds the export ended.
        e.Property<uint>("Version").HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        e.Ignore(x => x.Period);
        e.Ignore(x => x.FileName);
        // The owner's list per channel, newest first; and the month's quota count per owner.
        e.HasIndex(x => new { x.OwnerId, x.ChannelId, x.CreatedAt }).HasDatabaseName("ix_exports_owner_channel_created");
        e.HasIndex(x => new { x.OwnerId, x.CreatedAt }).HasDatabaseName("ix_exports_owner_created");
    }

    private static void ConfigureFile(EntityTypeBuilder<ExportFile> e)
    {
        e.ToTable("export_files");
        e.HasKey(x => x.ExportId).HasName("pk_export_files");
        e.Property(x => x.ExportId).HasColumnName("export_id").ValueGeneratedNever();
        e.Property(x => x.Content).HasColumnName("content");
        e.HasOne<ReportExport>().WithOne().HasForeignKey<ExportFile>(x => x.ExportId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_export_files_exports");
    }

    private static void ConfigureGatheredHour(EntityTypeBuilder<GatheredHour> e)
    {
        e.ToTable("gathered_hours");
        e.HasKey(x => new { x.ExportId, x.Hour }).HasName("pk_gathered_hours");
        e.Property(x => x.ExportId).HasColumnName("export_id");
        e.Property(x => x.Hour).HasColumnName("hour");
        e.Property(x => x.Views).HasColumnName("views");
        e.Property(x => x.Reactions).HasColumnName("reactions");
        e.Property(x => x.Forwards).HasColumnName("forwards");
        e.Property(x => x.Posts).HasColumnName("posts");
        e.Property(x => x.Joins).HasColumnName("joins");
        e.Property(x => x.Leaves).HasColumnName("leaves");
        e.Property(x => x.Subscribers).HasColumnName("subscribers");
        e.HasOne<ReportExport>().WithMany().HasForeignKey(x => x.ExportId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_gathered_hours_exports");
    }

    private static void ConfigureShareLink(EntityTypeBuilder<ShareLink> e)
    {
        e.ToTable("share_links");
        e.HasKey(x => x.Id).HasName("pk_share_links");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.OwnerId).HasColumnName("owner_id");
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.ExportId).HasColumnName("export_id");
        e.Property(x => x.ChannelId).HasColumnName("channel_id");
        e.Property(x => x.TokenHash).HasColumnName("token_hash");
        e.Property(x => x.PasswordSalt).HasColumnName("password_salt");
        e.Property(x => x.PasswordHash).HasColumnName("password_hash");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        e.Property(x => x.ViewCount).HasColumnName("view_count");
        e.Property(x => x.FailedAttempts).HasColumnName("failed_attempts");
        e.Property(x => x.FirstFailedAt).HasColumnName("first_failed_at");
        e.Ignore(x => x.HasPassword);
        e.Ignore(x => x.AttemptsResetAt);
        e.HasIndex(x => x.TokenHash).IsUnique().HasDatabaseName(ShareTokenIndex);
        e.HasIndex(x => new { x.OwnerId, x.CreatedAt }).HasDatabaseName("ix_share_links_owner_created");
        e.HasIndex(x => x.ChannelId).HasDatabaseName("ix_share_links_channel");
        e.HasOne<ReportExport>().WithMany().HasForeignKey(x => x.ExportId).OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_share_links_exports");
    }

    private static void ConfigureOwnerPlan(EntityTypeBuilder<OwnerPlan> e)
    {
        e.ConfigureAnnouncedPlan();
        e.Property(x => x.ExportsPerMonth).HasColumnName("exports_per_month");
        e.Property(x => x.ExportsLiftedBy).HasColumnName("exports_lifted_by").HasMaxLength(OwnerPlan.MaxPlanLength);
    }
}
