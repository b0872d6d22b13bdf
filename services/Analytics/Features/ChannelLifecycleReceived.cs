using Dapr;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Features;

public static class ChannelLifecycleSubscriptions
{
    public static IEndpointRouteBuilder MapChannelLifecycleSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapTopic<ChannelRegistered, ChannelRegisteredReceived>("/events/channel-registered",
            PlatformTopics.Subscription(PlatformTopics.ChannelRegistered),
            (handler, e, ct) => handler.HandleAsync(e, ct));
        app.MapTopic<ChannelRemoved, ChannelRemovedReceived>("/events/channel-removed",
            PlatformTopics.Subscription(PlatformTopics.ChannelRemoved),
            (handler, e, ct) => handler.HandleAsync(e, ct));
        return app;
    }
}

/// <summary><c>channel.registered</c> → remember the channel and its owner (who may read its analytics). Idempotent through the inbox.</summary>
public sealed class ChannelRegisteredReceived(AnalyticsDbContext db, Inbox<AnalyticsDbContext> inbox)
{
    public const string Consumer = "analytics.channel-registered";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<ChannelRegistered> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.ChannelId == Guid.Empty || data.OwnerId == Guid.Empty || string.IsNullOrWhiteSpace(data.Title))
        {
            return SubscriberStatus.Drop;
        }

        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            var channel = await db.Channels.SingleOrDefaultAsync(c => c.Id == data.ChannelId, token);
            if (channel is null)
            {
                channel = new TrackedChannel { Id = data.ChannelId };
                db.Channels.Add(channel);
            }

            // A removal that overtook this event already left a tombstone; filling it in keeps it removed.
            channel.OwnerId = data.OwnerId;
            channel.TelegramChatId = data.TelegramChatId;
            channel.Username = Truncate(data.Username, TrackedChannel.MaxUsernameLength);
            channel.Title = Truncate(data.Title, TrackedChannel.MaxTitleLength)!;
            channel.RegisteredAt = data.RegisteredAt;
        }, ct);
        return SubscriberStatus.Success;
    }

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } && value.Length > max ? value[..max] : value;
}

/// <summary><c>channel.removed</c> → the channel's analytics become unreadable; its history stays. Idempotent through the inbox.</summary>
public sealed class ChannelRemovedReceived(AnalyticsDbContext db, Inbox<AnalyticsDbContext> inbox)
{
    public const string Consumer = "analytics.channel-removed";

    public async Task<SubscriberStatus> HandleAsync(TopicEvent<ChannelRemoved> delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var (data, eventId) = delivery;
        if (data.ChannelId == Guid.Empty)
        {
            return SubscriberStatus.Drop;
        }

        await inbox.ProcessOnceAsync(eventId, Consumer, async token =>
        {
            var channel = await db.Channels.SingleOrDefaultAsync(c => c.Id == data.ChannelId, token);
            if (channel is null)
            {
                // Removal overtook registration: a tombstone (no owner) that the registration will fill in, still removed.
                db.Channels.Add(new TrackedChannel { Id = data.ChannelId, RemovedAt = data.RemovedAt, RegisteredAt = data.RemovedAt });
            }
            else
            {
                channel.RemovedAt ??= data.RemovedAt;
            }
        }, ct);
        return SubscriberStatus.Success;
    }
}
