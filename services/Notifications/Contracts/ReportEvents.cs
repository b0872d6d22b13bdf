namespace DaprPlatform.Notifications.Contracts;

/// <summary>Consumer-side copy of reports' <c>report.exported</c>: an export ended, and what the owner is told of it.</summary>
/// <param name="ExportId">The export: once per export (a republish under a new CloudEvent id is not told again), and the link to its page.</param>
/// <param name="ChannelTitle">Null when the export ended before reports read the title.</param>
/// <param name="Format">csv or pdf.</param>
/// <param name="Status">completed or failed.</param>
public sealed record ReportExported(
    Guid ExportId,
    Guid OwnerId,
    string? ChannelTitle,
    string? Format,
    DateTimeOffset PeriodFrom,
    DateTimeOffset PeriodTo,
    string? Status,
    string? FailureReason = null,
    long? SizeBytes = null);
