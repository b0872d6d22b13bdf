using Microsoft.EntityFrameworkCore;
using static DaprPlatform.OutboxInbox.OutboxInboxSchema;

namespace DaprPlatform.OutboxInbox;

public static class OutboxInboxModelBuilderExtensions
{
    public static ModelBuilder ConfigureOutbox(this ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<OutboxMessage>(e =>
        {
            e.ToTable(OutboxTable);
            e.HasKey(m => m.Id).HasName(OutboxPrimaryKey);
            e.Property(m => m.Id).HasColumnName("id").HasColumnType(Uuid).ValueGeneratedNever();
            e.Property(m => m.PubSubName).HasColumnName("pubsub_name").HasColumnType(Text).IsRequired();
            e.Property(m => m.Topic).HasColumnName("topic").HasColumnType(Text).IsRequired();
            e.Property(m => m.Payload).HasColumnName("payload").HasColumnType(Jsonb).IsRequired();
            e.Property(m => m.CreatedAt).HasColumnName("created_at").HasColumnType(Timestamp);
            e.Property(m => m.SentAt).HasColumnName("sent_at").HasColumnType(Timestamp);
            e.Property(m => m.Attempts).HasColumnName("attempts").HasColumnType(Integer);
            e.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at").HasColumnType(Timestamp);
            e.Property(m => m.LastError).HasColumnName("last_error").HasColumnType(Text);
            e.Property(m => m.TraceParent).HasColumnName("trace_parent").HasColumnType(Text);
            // The dispatcher's query: unsent rows that are due.
            e.HasIndex(m => new { m.SentAt, m.NextAttemptAt }).HasDatabaseName(OutboxDueIndex);
        });
        return b;
    }

    public static ModelBuilder ConfigureInbox(this ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<InboxMessage>(e =>
        {
            e.ToTable(InboxTable);
            e.HasKey(m => new { m.MessageId, m.Consumer }).HasName(InboxPrimaryKey);
            e.Property(m => m.MessageId).HasColumnName("message_id").HasColumnType(Text);
            e.Property(m => m.Consumer).HasColumnName("consumer").HasColumnType(Text);
            e.Property(m => m.ProcessedAt).HasColumnName("processed_at").HasColumnType(Timestamp);
        });
        return b;
    }
}
