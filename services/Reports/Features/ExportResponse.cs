using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Workflow;

namespace DaprPlatform.Reports.Features;

/// <param name="Status">queued, running, completed or failed.</param>
/// <param name="Percent">0–100 (from the workflow's custom status while it runs; null when it could not be read).</param>
/// <param name="Step">gather, render, store, done or failed.</param>
/// <param name="FileUrl">Where the file is downloaded, once completed.</param>
public sealed record ExportResponse(
    Guid Id,
    Guid ChannelId,
    string? ChannelTitle,
    DateTimeOffset From,
    DateTimeOffset To,
    string Format,
    string Status,
    int? Percent,
    string? Step,
    long? SizeBytes,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? FileUrl)
{
    public static ExportResponse Of(ReportExport e, ExportProgress? running = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (percent, step) = e.Status switch
        {
            ExportStatus.Completed => ((int?)100, ExportSteps.Done),
            ExportStatus.Failed => (100, ExportSteps.Failed),
            ExportStatus.Queued => (running?.Percent ?? 0, running?.Step ?? ExportSteps.Gather),
            _ => (running?.Percent, running?.Step),
        };
        return new ExportResponse(e.Id, e.ChannelId, e.ChannelTitle, e.From, e.To, e.Format.WireName(), e.Status.WireName(),
            percent, step, e.SizeBytes, e.FailureReason, e.CreatedAt, e.CompletedAt,
            e.Status == ExportStatus.Completed ? $"/api/reports/exports/{e.Id}/file" : null);
    }
}
