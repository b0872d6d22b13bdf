using System.Text.Json.Serialization;

namespace DaprPlatform.Channels.Features;

// The parts of Telegram's Update object (Bot API) the webhook maps; everything else in an update is ignored.

public sealed record TelegramUpdate(
    [property: JsonPropertyName("update_id")] long? UpdateId,
    [property: JsonPropertyName("channel_post")] TelegramMessage? ChannelPost,
    [property: JsonPropertyName("edited_channel_post")] TelegramMessage? EditedChannelPost,
    [property: JsonPropertyName("message_reaction_count")] TelegramReactionCount? MessageReactionCount,
    [property: JsonPropertyName("chat_member")] TelegramChatMemberUpdated? ChatMember,
    [property: JsonPropertyName("my_chat_member")] TelegramChatMemberUpdated? MyChatMember);

public sealed record TelegramUpdateChat([property: JsonPropertyName("id")] long Id, [property: JsonPropertyName("type")] string? Type);

public sealed record TelegramMessage(
    [property: JsonPropertyName("message_id")] long MessageId,
    [property: JsonPropertyName("chat")] TelegramUpdateChat? Chat,
    [property: JsonPropertyName("date")] long? Date,
    [property: JsonPropertyName("views")] long? Views);

public sealed record TelegramReactionCount(
    [property: JsonPropertyName("chat")] TelegramUpdateChat? Chat,
    [property: JsonPropertyName("message_id")] long MessageId,
    [property: JsonPropertyName("date")] long? Date,
    [property: JsonPropertyName("reactions")] IReadOnlyList<TelegramReaction?>? Reactions);

public sealed record TelegramReaction([property: JsonPropertyName("total_count")] long TotalCount);

public sealed record TelegramChatMemberUpdated(
    [property: JsonPropertyName("chat")] TelegramUpdateChat? Chat,
    [property: JsonPropertyName("date")] long? Date,
    [property: JsonPropertyName("old_chat_member")] TelegramChatMember? OldChatMember,
    [property: JsonPropertyName("new_chat_member")] TelegramChatMember? NewChatMember);

public sealed record TelegramChatMember(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("is_member")] bool? IsMember);
