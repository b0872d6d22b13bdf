using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.OutboxInbox;

/// <summary>An event waiting to be published (or already published) through the sidecar.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    public string PubSubName { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    /// <summary>The event data as JSON (stored as jsonb).</summary>
    public string Payload { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public string? TraceParent { get; set; }
}

/// <summary>Marks a CloudEvent id as processed by one consumer.</summary>
public sealed class InboxMessage
{
    public string MessageId { get; set; } = string.Empty;

    public string Consumer { get; set; } = string.Empty;

    public DateTimeOffset ProcessedAt { get; set; }
}

/// <summary>Implemented by a service's DbContext that publishes through the outbox.</summary>
public interface IOutboxStore
{
    DbSet<OutboxMessage> OutboxMessages { get; }
}

/// <summary>Implemented by a service's DbContext that consumes events idempotently.</summary>
public interface IInboxStore
{
    DbSet<InboxMessage> InboxMessages { get; }
}
