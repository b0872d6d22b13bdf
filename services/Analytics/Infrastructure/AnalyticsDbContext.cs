using DaprPlatform.ServiceDefaults;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Analytics.Infrastructure;

public sealed class AnalyticsDbContext(DbContextOptions<AnalyticsDbContext> options) : DbContext(options), IOutboxStore, IInboxStore
{
    public DbSet<TrackedChannel> Channels => Set<TrackedChannel>();
    public DbSet<HourlyRollupRow> HourlyRollups => Set<HourlyRollupRow>();
    public DbSet<AnomalyRow> Anomalies => Set<AnomalyRow>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<OwnerPlan> OwnerPlans => Set<OwnerPlan>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<TrackedChannel>(ConfigureChannel);
        modelBuilder.Entity<HourlyRollupRow>(ConfigureRollup);
        modelBuilder.Entity<AnomalyRow>(ConfigureAnomaly);
        modelBuilder.Entity<Workspace>(ConfigureWorkspace);
        modelBuilder.Entity<OwnerPlan>(ConfigureOwnerPlan);
    }

    private static void ConfigureChannel(EntityTypeBuilder<TrackedChannel> e)
    {
        e.ToTable("channels");
        e.HasKey(c => c.Id).HasName("pk_channels");
        e.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(c => c.OwnerId).HasColumnName("owner_id");
        e.Property(c => c.TelegramChatId).HasColumnName("telegram_chat_id");
        e.Property(c => c.Username).HasColumnName("username").HasMaxLength(TrackedChannel.MaxUsernameLength);
        e.Property(c => c.Title).HasColumnName("title").HasMaxLength(TrackedChannel.MaxTitleLength);
        e.Property(c => c.RegisteredAt).HasColumnName("registered_at");
        e.Property(c => c.RemovedAt).HasColumnName("removed_at");
        e.Ignore(c => c.IsRemoved);
        e.HasIndex(c => c.OwnerId).HasDatabaseName("ix_channels_owner_id");
    }

    private static void ConfigureRollup(EntityTypeBuilder<HourlyRollupRow> e)
    {
        e.ToTable("hourly_rollups");
        e.HasKey(r => new { r.ChannelId, r.Hour, r.Kind }).HasName("pk_hourly_rollups");
        e.Property(r => r.ChannelId).HasColumnName("channel_id");
        e.Property(r => r.Hour).HasColumnName("hour");
        e.Property(r => r.Kind).HasColumnName("kind").HasMaxLength(HourlyRollupRow.MaxKindLength);
        e.Property(r => r.Total).HasColumnName("total");
    }

    private static void ConfigureAnomaly(EntityTypeBuilder<AnomalyRow> e)
    {
        e.ToTable("anomalies");
        e.HasKey(a => new { a.ChannelId, a.Hour }).HasName("pk_anomalies");
        e.Property(a => a.ChannelId).HasColumnName("channel_id");
        e.Property(a => a.Hour).HasColumnName("hour");
        e.Property(a => a.Views).HasColumnName("views");
        e.Property(a => a.Median).HasColumnName("median");
        e.Property(a => a.Score).HasColumnName("score");
        e.Property(a => a.DetectedAt).HasColumnName("detected_at");
    }

    private static void ConfigureWorkspace(EntityTypeBuilder<Workspace> e)
    {
        e.ToTable("workspaces");
        e.HasKey(w => w.UserId).HasName("pk_workspaces");
        e.Property(w => w.UserId).HasColumnName("user_id").ValueGeneratedNever();
        e.Property(w => w.Plan).HasColumnName("plan").HasMaxLength(Workspace.MaxPlanLength);
        e.Property(w => w.CreatedAt).HasColumnName("created_at");
    }

    private static void ConfigureOwnerPlan(EntityTypeBuilder<OwnerPlan> e)
    {
        e.ConfigureAnnouncedPlan();
        e.Property(p => p.HistoryDays).HasColumnName("history_days");
        e.Property(p => p.HistoryDaysLiftedBy).HasColumnName("history_days_lifted_by").HasMaxLength(AnnouncedPlan.MaxPlanLength);
        e.Property(p => p.AnomalyAlerts).HasColumnName("anomaly_alerts");
        e.Ignore(p => p.Allowance);
    }
}
