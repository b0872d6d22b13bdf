using System.Globalization;
using DaprPlatform.Channels.Domain;

namespace DaprPlatform.Channels.Features;

/// <summary>What one Telegram update means for a channel: its chat, and the samples derived from it.</summary>
public sealed record MappedUpdate(string Type, long ChatId, IReadOnlyList<MetricSample> Samples);

/// <summary>
/// Turns a Telegram update into metric samples. Sample ids are <c>tg-{update_id}-{kind}</c>, so a redelivered
/// update yields the same ids and downstream counting stays exact.
/// <list type="bullet">
/// <item><c>channel_post</c>: posts +1, and views when Telegram includes them.</item>
/// <item><c>edited_channel_post</c>: no samples. An edit is not new activity, and a view count on an edit is that
/// post's running total, not an increment; adding it would count views twice.</item>
/// <item><c>message_reaction_count</c>: reactions = the sum of the reaction counts.</item>
/// <item><c>chat_member</c> / <c>my_chat_member</c>: joins or leaves from the old → new status; other changes
/// (e.g. a promotion to administrator) yield nothing.</item>
/// </list>
/// </summary>
public static class TelegramUpdateSamples
{
    // Largest Unix time DateTimeOffset can represent (9999-12-31T23:59:59Z).
    private const long MaxUnixSeconds = 253402300799;

    /// <returns>The mapping, or null for an update type channels does not track (it is answered 200 and ignored).</returns>
    public static MappedUpdate? Map(TelegramUpdate update, DateTimeOffset receivedAt, out IReadOnlyList<(string Field, string Message)> errors)
    {
        ArgumentNullException.ThrowIfNull(update);
        var problems = new List<(string, string)>();
        errors = problems;
        if (update.UpdateId is not { } updateId)
        {
            problems.Add(("update_id", "update_id is required."));
            return null;
        }

        if (update.ChannelPost is { } post)
        {
            return WithChat("channel_post", post.Chat, problems, chat =>
            {
                var at = At(post.Date, receivedAt, "channel_post.date", problems);
                var samples = new List<MetricSample> { Sample(updateId, MetricKind.Posts, 1, at) };
                if (post.Views is > 0)
                {
                    samples.Add(Sample(updateId, MetricKind.Views, post.Views.Value, at));
                }

                return samples;
            });
        }

        if (update.EditedChannelPost is { } edited)
        {
            return WithChat("edited_channel_post", edited.Chat, problems, _ => []);
        }

        if (update.MessageReactionCount is { } reactions)
        {
            return WithChat("message_reaction_count", reactions.Chat, problems, _ =>
            {
                var at = At(reactions.Date, receivedAt, "message_reaction_count.date", problems);
                var total = (reactions.Reactions ?? []).Sum(r => Math.Max(0, r?.TotalCount ?? 0));
                return [Sample(updateId, MetricKind.Reactions, total, at)];
            });
        }

        if ((update.ChatMember ?? update.MyChatMember) is { } change)
        {
            var type = update.ChatMember is not null ? "chat_member" : "my_chat_member";
            return WithChat(type, change.Chat, problems, _ =>
            {
                var at = At(change.Date, receivedAt, $"{type}.date", problems);
                var wasMember = ChannelMembership.IsMember(change.OldChatMember?.Status, change.OldChatMember?.IsMember);
                var isMember = ChannelMembership.IsMember(change.NewChatMember?.Status, change.NewChatMember?.IsMember);
                return ChannelMembership.Transition(wasMember, isMember) is { } kind ? [Sample(updateId, kind, 1, at)] : [];
            });
        }

        return null;
    }

    private static MappedUpdate? WithChat(
        string type, TelegramUpdateChat? chat, List<(string, string)> problems, Func<TelegramUpdateChat, List<MetricSample>> samples)
    {
        if (chat is null)
        {
            problems.Add(($"{type}.chat", "chat is required."));
            return null;
        }

        var mapped = samples(chat);
        return problems.Count == 0 ? new MappedUpdate(type, chat.Id, mapped) : null;
    }

    private static MetricSample Sample(long updateId, MetricKind kind, long value, DateTimeOffset at) =>
        new(string.Create(CultureInfo.InvariantCulture, $"tg-{updateId}-{kind.WireName()}"), kind, value, at);

    private static DateTimeOffset At(long? unixSeconds, DateTimeOffset receivedAt, string field, List<(string, string)> problems)
    {
        if (unixSeconds is null)
        {
            // Telegram always sends a date; without one the arrival time is the best estimate.
            return receivedAt;
        }

        if (unixSeconds is < 0 or > MaxUnixSeconds)
        {
            problems.Add((field, "date must be a Unix time in seconds."));
            return receivedAt;
        }

        return DateTimeOffset.FromUnixTimeSeconds(unixSeconds.Value);
    }
}
