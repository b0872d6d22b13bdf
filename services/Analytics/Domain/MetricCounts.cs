namespace DaprPlatform.Analytics.Domain;

/// <summary>Counter totals for one bucket or window (the subscriber gauge is kept separately).</summary>
public record struct MetricCounts(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves)
{
    /// <summary>(reactions + forwards) / views; 0 when there were no views.</summary>
    public readonly double EngagementRate => Views == 0 ? 0 : (double)(Reactions + Forwards) / Views;

    public void Add(MetricKind kind, long value)
    {
        switch (kind)
        {
            case MetricKind.Views: Views += value; break;
            case MetricKind.Reactions: Reactions += value; break;
            case MetricKind.Forwards: Forwards += value; break;
            case MetricKind.Posts: Posts += value; break;
            case MetricKind.Joins: Joins += value; break;
            case MetricKind.Leaves: Leaves += value; break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a counter kind.");
        }
    }

    public void Add(in MetricCounts other)
    {
        Views += other.Views;
        Reactions += other.Reactions;
        Forwards += other.Forwards;
        Posts += other.Posts;
        Joins += other.Joins;
        Leaves += other.Leaves;
    }

    public readonly bool IsEmpty => this == default;
}
