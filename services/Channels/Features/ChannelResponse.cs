using DaprPlatform.Channels.Domain;

namespace DaprPlatform.Channels.Features;

/// <param name="Username">The public @username, or null for a private channel.</param>
/// <param name="Subscribers">Member count Telegram reported at registration.</param>
/// <param name="Status">active, or paused (kept and readable, but taking no metrics).</param>
/// <param name="PausedReason">Why it is paused (plan-limit: the owner's plan allows fewer channels); null while active.</param>
public sealed record ChannelResponse(
    Guid Id, long TelegramChatId, string? Username, string Title, Guid OwnerId, int Subscribers, DateTimeOffset CreatedAt,
    string Status, string? PausedReason, DateTimeOffset? PausedAt)
{
    public static ChannelResponse From(Channel c) =>
        new(c.Id, c.TelegramChatId, c.Username is null ? null : "@" + c.Username, c.Title, c.OwnerId, c.SubscribersAtRegistration, c.CreatedAt,
            c.Status, c.PausedReason, c.PausedAt);
}
