using DaprPlatform.Channels.Domain;

namespace DaprPlatform.Channels.Features;

/// <param name="Username">The public @username, or null for a private channel.</param>
/// <param name="Subscribers">Member count Telegram reported at registration.</param>
public sealed record ChannelResponse(Guid Id, long TelegramChatId, string? Username, string Title, Guid OwnerId, int Subscribers, DateTimeOffset CreatedAt)
{
    public static ChannelResponse From(Channel c) =>
        new(c.Id, c.TelegramChatId, c.Username is null ? null : "@" + c.Username, c.Title, c.OwnerId, c.SubscribersAtRegistration, c.CreatedAt);
}
