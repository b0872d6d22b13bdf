namespace DaprPlatform.Reports.Domain;

/// <summary>An export's life: queued (recorded, workflow scheduled) → running → completed | failed. Wire names are lower case.</summary>
public enum ExportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}
