namespace DaprPlatform.Channels.Domain;

/// <summary>Reads a change of a member's presence in a channel as a join, a leave, or neither.</summary>
public static class ChannelMembership
{
    /// <returns><see cref="MetricKind.Joins"/>, <see cref="MetricKind.Leaves"/>, or null when membership did not change (e.g. a promotion).</returns>
    public static MetricKind? Transition(bool wasMember, bool isMember) => (wasMember, isMember) switch
    {
        (false, true) => MetricKind.Joins,
        (true, false) => MetricKind.Leaves,
        _ => null,
    };
}
