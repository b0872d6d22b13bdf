using DaprPlatform.ServiceDefaults;
namespace DaprPlatform.Channels.Contracts;

// Event payloads (CloudEvent data, camelCase JSON). They describe what happened in channels, not what any consumer needs.

/// <summary>Topic <c>channel.registered</c>: an owner connected a verified Telegram channel.</summary>
public sealed record ChannelRegistered(
    Guid ChannelId,
    long TelegramChatId,
    string? Username,
    string Title,
    Guid OwnerId,
    int Subscribers,
    DateTimeOffset RegisteredAt)
{
    public const string Topic = PlatformTopics.ChannelRegistered;
}

/// <summary>Topic <c>channel.removed</c>: the channel was disconnected and its row deleted.</summary>
public sealed record ChannelRemoved(Guid ChannelId, DateTimeOffset RemovedAt)
{
    public const string Topic = PlatformTopics.ChannelRemoved;
}

/// <summary>Topic <c>channel.metrics</c>: one batch of samples for one channel (one CloudEvent per batch).</summary>
public sealed record ChannelMetricsBatch(Guid ChannelId, IReadOnlyList<ChannelMetricSample> Samples)
{
    public const string Topic = PlatformTopics.ChannelMetrics;
}

/// <param name="Id">Producer-chosen and stable across redeliveries, so consumers count a sample once.</param>
/// <param name="Kind">views, reactions, forwards, posts, subscribers (gauge), joins or leaves.</param>
public sealed record ChannelMetricSample(string Id, string Kind, long Value, DateTimeOffset At);

/// <summary>Topic <c>channel.paused</c>: the channel takes no metrics until resumed (reason <c>plan-limit</c>: the owner's plan allows fewer channels).</summary>
/// <param name="Plan">The owner's plan that caused the pause.</param>
public sealed record ChannelPaused(Guid ChannelId, Guid OwnerId, string Title, string Reason, string Plan, DateTimeOffset At)
{
    public const string Topic = PlatformTopics.ChannelPaused;
}

/// <summary>Topic <c>channel.resumed</c>: a channel paused for <paramref name="Reason"/> is active again.</summary>
/// <param name="Plan">The owner's plan that made room for it.</param>
public sealed record ChannelResumed(Guid ChannelId, Guid OwnerId, string Title, string Reason, string Plan, DateTimeOffset At)
{
    public const string Topic = PlatformTopics.ChannelResumed;
}
