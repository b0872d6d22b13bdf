namespace DaprPlatform.Channels.Domain;

/// <summary>How many active channels an owner's plan allows, and which plan would allow more (null: none does).</summary>
public sealed record ChannelAllowance(string Plan, int MaxChannels, string? LiftedBy)
{
    /// <summary>Whether an owner with <paramref name="activeChannels"/> active channels may register one more.</summary>
    public bool Admits(int activeChannels) => activeChannels < MaxChannels;

    public string Describe() => MaxChannels == 1 ? $"The {Plan} plan allows 1 channel." : $"The {Plan} plan allows {MaxChannels} channels.";

    /// <summary>
    /// Which of an owner's channels (oldest first) must change for the plan to hold: the oldest <see cref="MaxChannels"/>
    /// are active, every later one is paused. The oldest are kept because they carry the longest history and are what the
    /// owner set up first; a newer one is the one they can most easily do without (ADR 0030). Only plan-limit pauses are undone.
    /// </summary>
    public (IReadOnlyList<Channel> ToPause, IReadOnlyList<Channel> ToResume) Reconcile(IReadOnlyList<Channel> oldestFirst)
    {
        ArgumentNullException.ThrowIfNull(oldestFirst);
        var toPause = new List<Channel>();
        var toResume = new List<Channel>();
        for (var i = 0; i < oldestFirst.Count; i++)
        {
            var channel = oldestFirst[i];
            if (i < MaxChannels)
            {
                if (channel.PausedReason == Channel.PlanLimitReason)
                {
                    toResume.Add(channel);
                }
            }
            else if (!channel.IsPaused)
            {
                toPause.Add(channel);
            }
        }

        return (toPause, toResume);
    }
}
