namespace DaprPlatform.Reports.Domain;

/// <summary>An export's life: queued (recorded, workflow scheduled) → running → completed | failed. Wire names are lower case.</summary>
public enum ExportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

public static class ExportStatuses
{
    /// <summary>queued, running, completed or failed: what the API answers and <c>report.exported</c> carries.</summary>
    public static string WireName(this ExportStatus status) => status switch
    {
        ExportStatus.Queued => "queued",
        ExportStatus.Running => "running",
        ExportStatus.Completed => "completed",
        _ => "failed",
    };
}
