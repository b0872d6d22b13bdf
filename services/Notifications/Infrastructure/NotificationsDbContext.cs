using DaprPlatform.Notifications.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Notifications.Infrastructure;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options), IInboxStore
{
    public const string MessageNoticesPrimaryKey = "pk_message_notices";

    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<DeliveryAttempt> DeliveryLog => Set<DeliveryAttempt>();
    public DbSet<NotificationPreferences> Preferences => Set<NotificationPreferences>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<MessageNotice> MessageNotices => Set<MessageNotice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureInbox();
        modelBuilder.Entity<Notification>(ConfigureNotification);
        modelBuilder.Entity<DeliveryAttempt>(ConfigureDeliveryAttempt);
        modelBuilder.Entity<NotificationPreferences>(ConfigurePreferences);
        modelBuilder.Entity<MessageNotice>(ConfigureMessageNotice);
    }

    private static void ConfigureMessageNotice(EntityTypeBuilder<MessageNotice> e)
    {
        e.ToTable("message_notices", t => t.HasCheckConstraint("ck_message_notices_status", "status IN ('pending', 'read', 'delivered')"));
        e.HasKey(n => n.MessageId).HasName(MessageNoticesPrimaryKey);
        e.Property(n => n.MessageId).HasColumnName("message_id").ValueGeneratedNever();
        e.Property(n => n.ConversationId).HasColumnName("conversation_id");
        e.Property(n => n.RecipientId).HasColumnName("recipient_id");
        e.Property(n => n.SenderId).HasColumnName("sender_id");
        e.Property(n => n.SenderName).HasColumnName("sender_name").HasMaxLength(MessageNotice.MaxSenderNameLength);
        e.Property(n => n.Preview).HasColumnName("preview").HasMaxLength(MessageNotice.MaxPreviewLength);
        e.Property(n => n.SentAt).HasColumnName("sent_at");
        e.Property(n => n.DueAt).HasColumnName("due_at");
        e.Property(n => n.Status).HasColumnName("status").HasMaxLength(16)
            .HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<MessageNoticeStatus>(s, true));
        e.Property(n => n.ReadAt).HasColumnName("read_at");
        e.Property(n => n.NotificationId).HasColumnName("notification_id");
        e.Property(n => n.CreatedAt).HasColumnName("created_at");
        e.Property(n => n.UpdatedAt).HasColumnName("updated_at");
        // The dispatcher's claim reads only pending rows by due time: a small partial index.
        e.HasIndex(n => n.DueAt).HasDatabaseName("ix_message_notices_due_at_pending").HasFilter("status = 'pending'");
        // The hourly purge reads settled rows by age.
        e.HasIndex(n => n.UpdatedAt).HasDatabaseName("ix_message_notices_updated_at_settled").HasFilter("status <> 'pending'");
    }

    private static void ConfigureNotification(EntityTypeBuilder<Notification> e)
    {
        e.ToTable("notifications");
        e.HasKey(n => n.Id).HasName("pk_notifications");
        e.Property(n => n.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(n => n.UserId).HasColumnName("user_id");
        e.Property(n => n.Kind).HasColumnName("kind").HasMaxLength(Notification.MaxKindLength);
        e.Property(n => n.Title).HasColumnName("title").HasMaxLength(Notification.MaxTitleLength);
        e.Property(n => n.Body).HasColumnName("body").HasMaxLength(Notification.MaxBodyLength);
        e.Property(n => n.CreatedAt).HasColumnName("created_at");
        e.Property(n => n.ReadAt).HasColumnName("read_at");
        e.Ignore(n => n.IsRead);
        e.HasIndex(n => new { n.UserId, n.CreatedAt }).HasDatabaseName("ix_notifications_user_id_created_at");
        // The unread count (polled by the web app's bell) reads only this small index: unread rows, by user.
        e.HasIndex(n => n.UserId).HasDatabaseName("ix_notifications_user_id_unread").HasFilter("read_at IS NULL");
    }

    private static void ConfigureDeliveryAttempt(EntityTypeBuilder<DeliveryAttempt> e)
    {
        e.ToTable("delivery_log");
        e.HasKey(d => d.Id).HasName("pk_delivery_log");
        e.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(d => d.NotificationId).HasColumnName("notification_id");
        e.Property(d => d.UserId).HasColumnName("user_id");
        e.Property(d => d.Channel).HasColumnName("channel").HasConversion<string>().HasMaxLength(16);
        e.Property(d => d.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        e.Property(d => d.AttemptedAt).HasColumnName("attempted_at");
        e.Property(d => d.Error).HasColumnName("error").HasMaxLength(DeliveryAttempt.MaxErrorLength);
        e.HasOne<Notification>()
            .WithMany()
            .HasForeignKey(d => d.NotificationId)
            .HasConstraintName("fk_delivery_log_notifications_notification_id")
            .OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(d => d.NotificationId).HasDatabaseName("ix_delivery_log_notification_id");
    }

    private static void ConfigurePreferences(EntityTypeBuilder<NotificationPreferences> e)
    {
        e.ToTable("notification_preferences");
        e.HasKey(p => p.UserId).HasName("pk_notification_preferences");
        e.Property(p => p.UserId).HasColumnName("user_id").ValueGeneratedNever();
        e.Property(p => p.InApp).HasColumnName("in_app");
        e.Property(p => p.Telegram).HasColumnName("telegram");
        e.Property(p => p.Email).HasColumnName("email");
        e.Property(p => p.TelegramChatId).HasColumnName("telegram_chat_id").HasMaxLength(NotificationPreferences.MaxTelegramChatIdLength);
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        e.Ignore(p => p.WantsTelegram);
    }
}
