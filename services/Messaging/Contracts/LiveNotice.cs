using System.Text.Json;

namespace DaprPlatform.Messaging.Contracts;

/// <summary>
/// What every replica of messaging receives on the internal live topic (ADR 0023) and writes to the streams it holds for
/// <see cref="Recipients"/>: <see cref="Event"/> is the Server-Sent Events name, <see cref="Data"/> its JSON.
/// <see cref="Version"/> is the conversation's version after the change, the order within a conversation.
/// </summary>
public sealed record LiveNotice(
    IReadOnlyList<Guid> Recipients,
    string Event,
    Guid ConversationId,
    long Version,
    DateTimeOffset OccurredAt,
    JsonElement Data)
{
    /// <summary>The pub/sub component only messaging sees; its consumer id is per replica, so each replica gets every notice.</summary>
    public const string PubSubName = "messaging-live";

    public const string Topic = "messaging.live";

    public const string MessageNew = "message:new";
    public const string MessageRead = "message:read";
    public const string MessageEdited = "message:edited";
    public const string MessageDeleted = "message:deleted";
    public const string UserTyping = "user:typing";

    public static LiveNotice Of<T>(IReadOnlyList<Guid> recipients, string eventName, Guid conversationId, long version, DateTimeOffset occurredAt, T data) =>
        new(recipients, eventName, conversationId, version, occurredAt, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web));
}
