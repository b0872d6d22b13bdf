using System.Globalization;
using DaprPlatform.Channels.Domain;
using Telegram.Bot.Types;

namespace DaprPlatform.Channels.Features;

/// <summary>What one Telegram update means for a channel: its chat, and the samples derived from it.</summary>
public sealed record MappedUpdate(string Type, long ChatId, IReadOnlyList<MetricSample> Samples);

/// <summary>
/// Turns a Telegram update (Telegram.Bot's <see cref="Update"/>) into metric samples. Sample ids are
/// <c>tg-{update_id}-{kind}</c>, so a redelivered update yields the same ids and downstream counting stays exact.
/// <list type="bullet">
/// <item><c>channel_post</c>: posts +1. The Bot API's Message carries no view count; views come through the metrics API.</item>
/// <item><c>edited_channel_post</c>: no samples. An edit is not new activity.</item>
/// <item><c>message_reaction_count</c>: reactions = the sum of the reaction counts.</item>
/// <item><c>chat_member</c> / <c>my_chat_member</c>: joins or leaves from whether the member was and is in the chat;
/// other changes (e.g. a promotion to administrator) yield nothing.</item>
/// </list>
/// </summary>
public static class TelegramUpdateSamples
{
    /// <returns>The mapping, or null for an update type channels does not track (it is answered 200 and ignored).</returns>
    public static MappedUpdate? Map(Update update, DateTimeOffset receivedAt, out IReadOnlyList<(string Field, string Message)> errors)
    {
        ArgumentNullException.ThrowIfNull(update);
        var problems = new List<(string, string)>();
        errors = problems;
        // Telegram numbers updates from 1; Telegram.Bot reads a missing update_id as 0.
        if (update.Id <= 0)
        {
            problems.Add(("update_id", "update_id is required: a positive integer."));
            return null;
        }

        if (update.ChannelPost is { } post)
        {
            return WithChat("channel_post", post.Chat, problems, () => [Sample(update.Id, MetricKind.Posts, 1, At(post.Date, receivedAt))]);
        }

        if (update.EditedChannelPost is { } edited)
        {
            return WithChat("edited_channel_post", edited.Chat, problems, () => []);
        }

        if (update.MessageReactionCount is { } reactions)
        {
            return WithChat("message_reaction_count", reactions.Chat, problems, () =>
            {
                var total = (reactions.Reactions ?? []).Sum(r => (long)Math.Max(0, r?.TotalCount ?? 0));
                return [Sample(update.Id, MetricKind.Reactions, total, At(reactions.Date, receivedAt))];
            });
        }

        if ((update.ChatMember ?? update.MyChatMember) is { } change)
        {
            var type = update.ChatMember is not null ? "chat_member" : "my_chat_member";
            return WithChat(type, change.Chat, problems, () =>
            {
                var wasMember = change.OldChatMember?.IsInChat ?? false;
                var isMember = change.NewChatMember?.IsInChat ?? false;
                return ChannelMembership.Transition(wasMember, isMember) is { } kind ? [Sample(update.Id, kind, 1, At(change.Date, receivedAt))] : [];
            });
        }

        return null;
    }

    // Telegram.Bot leaves a missing chat null although the property is declared non-null.
    private static MappedUpdate? WithChat(string type, Chat? chat, List<(string, string)> problems, Func<List<MetricSample>> samples)
    {
        if (chat is null)
        {
            problems.Add(($"{type}.chat", "chat is required."));
            return null;
        }

        return new MappedUpdate(type, chat.Id, samples());
    }

    private static MetricSample Sample(int updateId, MetricKind kind, long value, DateTimeOffset at) =>
        new(string.Create(CultureInfo.InvariantCulture, $"tg-{updateId}-{kind.WireName()}"), kind, value, at);

    // Telegram always sends a date; Telegram.Bot reads a missing one as default, and then the arrival time is the best estimate.
    private static DateTimeOffset At(DateTime date, DateTimeOffset receivedAt) =>
        date == default ? receivedAt : new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc));
}
