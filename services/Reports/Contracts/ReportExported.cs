using DaprPlatform.Reports.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reports.Contracts;

/// <summary>
/// Topic <c>report.exported</c>: an export ended, completed or failed (contracts/report.exported.schema.json). Published once
/// per export, by the state change that ended it, through the outbox in the same transaction; notifications tells the owner.
/// </summary>
/// <param name="ChannelTitle">The title analytics answered while gathering; null when the export ended before it was read.</param>
/// <param name="Format">csv or pdf.</param>
/// <param name="Status">completed or failed.</param>
/// <param name="FailureReason">Why it failed, worded for the owner; null unless failed.</param>
/// <param name="SizeBytes">The file's size; null unless completed.</param>
public sealed record ReportExported(
    Guid ExportId,
    Guid OwnerId,
    Guid ChannelId,
    string? ChannelTitle,
    string Format,
    DateTimeOffset PeriodFrom,
    DateTimeOffset PeriodTo,
    string Status,
    string? FailureReason,
    long? SizeBytes,
    DateTimeOffset OccurredAt)
{
    public const string Topic = PlatformTopics.ReportExported;

    public static ReportExported Of(ReportExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        if (!export.HasEnded || export.CompletedAt is not { } endedAt)
        {
            throw new InvalidOperationException($"Export {export.Id} has not ended; only an ended export is announced.");
        }

        var completed = export.Status == ExportStatus.Completed;
        return new ReportExported(export.Id, export.OwnerId, export.ChannelId, export.ChannelTitle, export.Format.WireName(), export.From, export.To,
            export.Status.WireName(), completed ? null : export.FailureReason, completed ? export.SizeBytes : null, endedAt);
    }
}
