using DaprPlatform.ServiceDefaults;
using DaprPlatform.Channels.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Channels.Infrastructure;

public sealed class ChannelsDbContext(DbContextOptions<ChannelsDbContext> options) : DbContext(options), IOutboxStore, IInboxStore
{
    public const string UniqueTelegramChatIndex = "ux_channels_telegram_chat_id";
    public const string TelegramUpdatesPrimaryKey = "pk_telegram_updates";

    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<ProcessedTelegramUpdate> TelegramUpdates => Set<ProcessedTelegramUpdate>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<OwnerPlan> OwnerPlans => Set<OwnerPlan>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<Channel>(ConfigureChannel);
        modelBuilder.Entity<ProcessedTelegramUpdate>(ConfigureTelegramUpdate);
        modelBuilder.Entity<OwnerPlan>(ConfigureOwnerPlan);
    }

    private static void ConfigureChannel(EntityTypeBuilder<Channel> e)
    {
        e.ToTable("channels");
        e.HasKey(c => c.Id).HasName("pk_channels");
        e.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(c => c.TelegramChatId).HasColumnName("telegram_chat_id");
        e.Property(c => c.Username).HasColumnName("username").HasMaxLength(Channel.MaxUsernameLength);
        e.Property(c => c.Title).HasColumnName("title").HasMaxLength(Channel.MaxTitleLength);
        e.Property(c => c.OwnerId).HasColumnName("owner_id");
        e.Property(c => c.SubscribersAtRegistration).HasColumnName("subscribers_at_registration");
        e.Property(c => c.CreatedAt).HasColumnName("created_at");
        e.Property(c => c.PausedReason).HasColumnName("paused_reason").HasMaxLength(Channel.MaxPausedReasonLength);
        e.Property(c => c.PausedAt).HasColumnName("paused_at");
        e.Ignore(c => c.IsPaused);
        e.Ignore(c => c.Status);
        // One registration per Telegram chat, decided by the database so concurrent registrations cannot both win.
        e.HasIndex(c => c.TelegramChatId).IsUnique().HasDatabaseName(UniqueTelegramChatIndex);
        e.HasIndex(c => new { c.OwnerId, c.CreatedAt }).HasDatabaseName("ix_channels_owner_id_created_at");
    }

    private static void ConfigureTelegramUpdate(EntityTypeBuilder<ProcessedTelegramUpdate> e)
    {
        e.ToTable("telegram_updates");
        e.HasKey(u => u.UpdateId).HasName(TelegramUpdatesPrimaryKey);
        e.Property(u => u.UpdateId).HasColumnName("update_id").ValueGeneratedNever();
        e.Property(u => u.ChannelId).HasColumnName("channel_id");
        e.Property(u => u.Type).HasColumnName("type").HasMaxLength(ProcessedTelegramUpdate.MaxTypeLength);
        e.Property(u => u.Samples).HasColumnName("samples");
        e.Property(u => u.ReceivedAt).HasColumnName("received_at");
    }

    private static void ConfigureOwnerPlan(EntityTypeBuilder<OwnerPlan> e)
    {
        e.ConfigureAnnouncedPlan();
        e.Property(p => p.MaxChannels).HasColumnName("max_channels");
        e.Property(p => p.MaxChannelsLiftedBy).HasColumnName("max_channels_lifted_by").HasMaxLength(AnnouncedPlan.MaxPlanLength);
        e.Ignore(p => p.Allowance);
    }
}
