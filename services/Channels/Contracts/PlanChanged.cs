namespace DaprPlatform.Channels.Contracts;

/// <summary>
/// Consumer-side copy of payments' <c>plan.changed</c> (issue 18's contract), reduced to what channels enforces: the channel
/// limit and the plan that lifts it. Other entitlements in the event are ignored.
/// </summary>
public sealed record PlanChanged(Guid OwnerId, string? Plan, ChannelEntitlements? Entitlements, ChannelLimitLiftedBy? LiftedBy, long Version, DateTimeOffset ChangedAt);

public sealed record ChannelEntitlements(int? MaxChannels);

public sealed record ChannelLimitLiftedBy(string? MaxChannels);
