namespace DaprPlatform.Channels.Domain;

/// <summary>Reads a Telegram chat member status transition as a join, a leave, or neither.</summary>
public static class ChannelMembership
{
    /// <summary>Telegram's statuses: creator, administrator, member, restricted, left, kicked.</summary>
    public static bool IsMember(string? status, bool? restrictedIsMember) => status switch
    {
        "creator" or "administrator" or "member" => true,
        // A restricted user may or may not still be in the chat; Telegram says which with is_member.
        "restricted" => restrictedIsMember == true,
        _ => false,
    };

    /// <returns><see cref="MetricKind.Joins"/>, <see cref="MetricKind.Leaves"/>, or null when membership did not change (e.g. a promotion).</returns>
    public static MetricKind? Transition(bool wasMember, bool isMember) => (wasMember, isMember) switch
    {
        (false, true) => MetricKind.Joins,
        (true, false) => MetricKind.Leaves,
        _ => null,
    };
}
