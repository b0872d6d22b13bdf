namespace DaprPlatform.OutboxInbox;

public sealed class OutboxOptions
{
    /// <summary>How often the dispatcher looks for due rows when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 50;

    /// <summary>Delay after the first failed publish; doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for one publish call, so a hung sidecar cannot stall the batch (and its row locks) forever.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How stale the outbox backlog gauges may be: the dispatcher re-reads the backlog at most this often, and only while they are observed.</summary>
    public TimeSpan BacklogMetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
