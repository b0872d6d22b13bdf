using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Actors;

/// <summary>
/// Actor state key <c>journal</c>: the journal segments <c>journal-{First}</c> … <c>journal-{Next - 1}</c> saved since the
/// last snapshot. Absent when the snapshot holds everything.
/// </summary>
public sealed record IngestJournal(long First, long Next)
{
    public const string Key = "journal";

    public static string SegmentKey(long sequence) => $"journal-{sequence}";
}

/// <summary>
/// The samples one turn accepted, with the clock reading they were accepted at, so replaying them onto the snapshot
/// repeats the turn exactly (the watermark and the too-old/in-future checks read that clock).
/// </summary>
public sealed record JournalSegment(DateTimeOffset Now, IReadOnlyList<MetricSample> Samples);
