namespace DaprPlatform.Analytics.Contracts;

/// <summary>Topic <c>channel.registered</c> from the channels service.</summary>
public sealed record ChannelRegistered(
    Guid ChannelId,
    long TelegramChatId,
    string? Username,
    string Title,
    Guid OwnerId,
    int Subscribers,
    DateTimeOffset RegisteredAt);

/// <summary>Topic <c>channel.removed</c> from the channels service.</summary>
public sealed record ChannelRemoved(Guid ChannelId, DateTimeOffset RemovedAt);
