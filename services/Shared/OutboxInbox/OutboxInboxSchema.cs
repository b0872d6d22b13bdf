namespace DaprPlatform.OutboxInbox;

/// <summary>Names of the outbox and inbox tables and keys, shared by the EF model and the code that catches or queries them.</summary>
public static class OutboxInboxSchema
{
    public const string OutboxTable = "outbox_messages";
    public const string OutboxPrimaryKey = "pk_outbox_messages";
    public const string OutboxDueIndex = "ix_outbox_messages_sent_at_next_attempt_at";

    public const string InboxTable = "inbox_messages";
    public const string InboxPrimaryKey = "pk_inbox_messages";

    internal const string Uuid = "uuid";
    internal const string Text = "text";
    internal const string Jsonb = "jsonb";
    internal const string Timestamp = "timestamp with time zone";
    internal const string Integer = "integer";
}
