namespace DaprPlatform.Reports.Domain;

/// <summary>
/// One export of a channel's hourly analytics for a period. Its id is also the id of the workflow instance that makes it,
/// so progress and the record meet without a mapping. The file lives in <see cref="ExportFile"/> (read only on download).
/// </summary>
public sealed class ReportExport
{
    public const int MaxOwnerNameLength = 100;
    public const int MaxChannelTitleLength = 256;
    public const int MaxFailureReasonLength = 500;
    public const int MaxFileNameLength = 128;

    public Guid Id { get; set; }

    public Guid OwnerId { get; set; }

    /// <summary>The owner's display name from their access token when they asked; printed on the PDF and on shared copies.</summary>
    public string OwnerName { get; set; } = string.Empty;

    public Guid ChannelId { get; set; }

    /// <summary>The channel's title as analytics answered while gathering; null until then.</summary>
    public string? ChannelTitle { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset To { get; set; }

    public ExportFormat Format { get; set; }

    public ExportStatus Status { get; set; }

    public string? FailureReason { get; set; }

    public long? SizeBytes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public ReportPeriod Period => new(From, To);

    public string FileName => $"channel-{ChannelId:N}-{From:yyyyMMddHH}-{To:yyyyMMddHH}.{Format.WireName()}";

    public static ReportExport Queue(Guid id, Guid ownerId, string ownerName, Guid channelId, ReportPeriod period, ExportFormat format, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new ReportExport
        {
            Id = id,
            OwnerId = ownerId,
            OwnerName = ownerName.Length > MaxOwnerNameLength ? ownerName[..MaxOwnerNameLength] : ownerName,
            ChannelId = channelId,
            From = period.From,
            To = period.To,
            Format = format,
            Status = ExportStatus.Queued,
            CreatedAt = now,
        };
    }

    /// <summary>The workflow started working on it (a replayed start changes nothing).</summary>
    public void Start()
    {
        if (Status == ExportStatus.Queued)
        {
            Status = ExportStatus.Running;
        }
    }

    /// <summary>True once it completed or failed: nothing changes it any more.</summary>
    public bool HasEnded => Status is ExportStatus.Completed or ExportStatus.Failed;

    /// <summary>
    /// The file is stored: the export is done. Idempotent; a failed export stays failed. True only for the call that ended
    /// it, which is the one that announces it (<c>report.exported</c>): a repeat announces nothing.
    /// </summary>
    public bool Complete(long sizeBytes, DateTimeOffset at)
    {
        if (HasEnded)
        {
            return false;
        }

        (Status, SizeBytes, CompletedAt) = (ExportStatus.Completed, sizeBytes, at);
        return true;
    }

    /// <summary>
    /// The workflow gave up; the reason is what the owner reads. Idempotent; a completed export stays completed. True only
    /// for the call that ended it.
    /// </summary>
    public bool Fail(string reason, DateTimeOffset at)
    {
        if (HasEnded)
        {
            return false;
        }

        var text = string.IsNullOrWhiteSpace(reason) ? "The export failed." : reason.Trim();
        (Status, FailureReason, CompletedAt) = (ExportStatus.Failed, text.Length > MaxFailureReasonLength ? text[..MaxFailureReasonLength] : text, at);
        return true;
    }
}

/// <summary>The rendered file of a completed export (kept apart so listing exports never reads file bytes).</summary>
public sealed class ExportFile
{
    public Guid ExportId { get; set; }

    public byte[] Content { get; set; } = [];
}

/// <summary>One hour of a channel's metrics gathered for an export; kept until the export is stored, keyed by (export, hour).</summary>
public sealed class GatheredHour
{
    public Guid ExportId { get; set; }

    public DateTimeOffset Hour { get; set; }

    public long Views { get; set; }

    public long Reactions { get; set; }

    public long Forwards { get; set; }

    public long Posts { get; set; }

    public long Joins { get; set; }

    public long Leaves { get; set; }

    /// <summary>The last subscriber count reported in the hour; null when none was.</summary>
    public long? Subscribers { get; set; }
}
