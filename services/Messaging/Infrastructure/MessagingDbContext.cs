using DaprPlatform.Messaging.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Messaging.Infrastructure;

public sealed class MessagingDbContext(DbContextOptions<MessagingDbContext> options) : DbContext(options), IOutboxStore
{
    /// <summary>One conversation per student–tutor pair; a concurrent second start loses on it and reads the first.</summary>
    public const string PairConstraint = "ux_conversations_student_id_tutor_id";

    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ConfigureOutbox();
        modelBuilder.Entity<Conversation>(ConfigureConversation);
        modelBuilder.Entity<Message>(ConfigureMessage);
    }

    private static void ConfigureConversation(EntityTypeBuilder<Conversation> e)
    {
        e.ToTable("conversations");
        e.HasKey(c => c.Id).HasName("pk_conversations");
        e.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(c => c.Sequence).HasColumnName("sequence").UseIdentityAlwaysColumn();
        e.Property(c => c.StudentId).HasColumnName("student_id");
        e.Property(c => c.StudentName).HasColumnName("student_name").HasMaxLength(Conversation.MaxNameLength);
        e.Property(c => c.TutorId).HasColumnName("tutor_id");
        e.Property(c => c.TutorName).HasColumnName("tutor_name").HasMaxLength(Conversation.MaxNameLength);
        e.Property(c => c.BookingId).HasColumnName("booking_id");
        e.Property(c => c.CreatedAt).HasColumnName("created_at");
        e.Property(c => c.LastActivityAt).HasColumnName("last_activity_at");
        e.Property(c => c.Version).HasColumnName("version");
        e.Property(c => c.StudentArchived).HasColumnName("student_archived");
        e.Property(c => c.TutorArchived).HasColumnName("tutor_archived");
        // Postgres' row version: two changes racing on one conversation cannot both take the same version.
        e.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        e.HasIndex(c => new { c.StudentId, c.TutorId }).IsUnique().HasDatabaseName(PairConstraint);
        e.HasIndex(c => new { c.StudentId, c.LastActivityAt }).HasDatabaseName("ix_conversations_student_id_last_activity_at");
        e.HasIndex(c => new { c.TutorId, c.LastActivityAt }).HasDatabaseName("ix_conversations_tutor_id_last_activity_at");
    }

    private static void ConfigureMessage(EntityTypeBuilder<Message> e)
    {
        e.ToTable("messages");
        e.HasKey(m => m.Id).HasName("pk_messages");
        e.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(m => m.ConversationId).HasColumnName("conversation_id");
        e.Property(m => m.Position).HasColumnName("position").UseIdentityAlwaysColumn();
        e.Property(m => m.SenderId).HasColumnName("sender_id");
        // The configured limit may change; the column does not need to follow it.
        e.Property(m => m.Text).HasColumnName("text");
        e.Property(m => m.SentAt).HasColumnName("sent_at");
        e.Property(m => m.EditedAt).HasColumnName("edited_at");
        e.Property(m => m.DeletedAt).HasColumnName("deleted_at");
        e.Property(m => m.ReadAt).HasColumnName("read_at");
        e.Ignore(m => m.IsDeleted);
        e.Ignore(m => m.Preview);
        e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).HasConstraintName("fk_messages_conversations").OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(m => new { m.ConversationId, m.Position }).HasDatabaseName("ix_messages_conversation_id_position");
        // The send rate: a user's messages in the last window.
        e.HasIndex(m => new { m.SenderId, m.SentAt }).HasDatabaseName("ix_messages_sender_id_sent_at");
    }
}
