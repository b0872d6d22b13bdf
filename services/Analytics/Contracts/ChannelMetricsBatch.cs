namespace DaprPlatform.Analytics.Contracts;

/// <summary>The channels service's <c>channel.metrics</c> event: one batch of samples for one channel.</summary>
public sealed record ChannelMetricsBatch(Guid ChannelId, IReadOnlyList<IncomingSample> Samples);

/// <summary>A sample as published; <see cref="Kind"/> is one of views, reactions, forwards, posts, subscribers, joins, leaves.</summary>
public sealed record IncomingSample(string Id, string Kind, double Value, DateTimeOffset At);
