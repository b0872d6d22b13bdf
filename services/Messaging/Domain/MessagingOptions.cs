namespace DaprPlatform.Messaging.Domain;

/// <summary>Abuse limits and edit rules (section <c>Messaging:Limits</c>).</summary>
public sealed class MessagingLimits
{
    public const string SectionName = "Messaging:Limits";

    /// <summary>A message's text: 1 to this many characters (after trimming).</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>How long after sending the sender may still edit.</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Messages one user may send per <see cref="SendWindow"/>, over all conversations.</summary>
    public int SendsPerWindow { get; set; } = 30;

    public TimeSpan SendWindow { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsValid() => MaxTextLength > 0 && EditWindow >= TimeSpan.Zero && SendsPerWindow > 0 && SendWindow > TimeSpan.Zero;
}

/// <summary>The live stream (section <c>Messaging:Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Messaging:Live";

    /// <summary>A comment line this often keeps idle proxies from closing the stream.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Notices that arrive within this window of each other are written in conversation order: pub/sub delivers
    /// concurrently, so a read receipt may overtake the message it reads.
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Older notices are not written: a new replica's consumer group starts at the beginning of the live topic.</summary>
    public TimeSpan MaxNoticeAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most one typing signal per user and conversation this often; the rest are absorbed.</summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(3);

    public bool IsValid() => KeepAliveInterval > TimeSpan.Zero && ReorderWindow >= TimeSpan.Zero && MaxNoticeAge > TimeSpan.Zero && TypingInterval >= TimeSpan.Zero;
}
