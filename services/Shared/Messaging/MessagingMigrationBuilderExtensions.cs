using Microsoft.EntityFrameworkCore.Migrations;
using static DaprPlatform.Messaging.MessagingSchema;

namespace DaprPlatform.Messaging;

/// <summary>For hand-written migrations: exactly the schema ConfigureOutbox/ConfigureInbox model.</summary>
public static class MessagingMigrationBuilderExtensions
{
    public static void CreateOutboxTable(this MigrationBuilder m, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.CreateTable(
            name: OutboxTable,
            schema: schema,
            columns: t => new
            {
                id = t.Column<Guid>(type: Uuid, nullable: false),
                pubsub_name = t.Column<string>(type: Text, nullable: false),
                topic = t.Column<string>(type: Text, nullable: false),
                payload = t.Column<string>(type: Jsonb, nullable: false),
                created_at = t.Column<DateTimeOffset>(type: Timestamp, nullable: false),
                sent_at = t.Column<DateTimeOffset>(type: Timestamp, nullable: true),
                attempts = t.Column<int>(type: Integer, nullable: false),
                next_attempt_at = t.Column<DateTimeOffset>(type: Timestamp, nullable: false),
                last_error = t.Column<string>(type: Text, nullable: true),
                trace_parent = t.Column<string>(type: Text, nullable: true),
            },
            constraints: t => t.PrimaryKey(OutboxPrimaryKey, x => x.id));
        m.CreateIndex(name: OutboxDueIndex, table: OutboxTable, columns: ["sent_at", "next_attempt_at"], schema: schema);
    }

    public static void CreateInboxTable(this MigrationBuilder m, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.CreateTable(
            name: InboxTable,
            schema: schema,
            columns: t => new
            {
                message_id = t.Column<string>(type: Text, nullable: false),
                consumer = t.Column<string>(type: Text, nullable: false),
                processed_at = t.Column<DateTimeOffset>(type: Timestamp, nullable: false),
            },
            constraints: t => t.PrimaryKey(InboxPrimaryKey, x => new { x.message_id, x.consumer }));
    }

    public static void DropOutboxTable(this MigrationBuilder m, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.DropTable(OutboxTable, schema);
    }

    public static void DropInboxTable(this MigrationBuilder m, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        m.DropTable(InboxTable, schema);
    }
}
