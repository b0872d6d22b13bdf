namespace DaprPlatform.Reports.Workflow;

/// <summary>The workflow's input: the export it makes (also its instance id).</summary>
public sealed record ExportInput(Guid ExportId);

/// <summary>The custom status while it runs: how far (0–100) and which step (gather, render, store, done, failed).</summary>
public sealed record ExportProgress(int Percent, string Step);

/// <summary>What the workflow needs to plan its pages, read once from the export and the options (deterministic on replay).</summary>
/// <param name="Startable">False when the export is gone or already ended: the instance has nothing to do.</param>
public sealed record ExportPlan(bool Startable, DateTimeOffset From, DateTimeOffset To, int PageHours, int MaxRows);

/// <summary>One page of the period to gather.</summary>
public sealed record GatherPage(Guid ExportId, DateTimeOffset From, DateTimeOffset To);

/// <summary>Rows gathered for a page, or why gathering cannot go on (no retry helps).</summary>
public sealed record GatherOutcome(int Rows, string? Refusal);

/// <summary>The file's size, or why it cannot be stored.</summary>
public sealed record RenderOutcome(long SizeBytes, string? Refusal);

public sealed record ExportFailure(Guid ExportId, string Reason);

/// <summary>The instance's output.</summary>
public sealed record ExportOutcome(string Status, long? SizeBytes, string? FailureReason);

public static class ExportSteps
{
    public const string Gather = "gather";
    public const string Render = "render";
    public const string Store = "store";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>A bound of the export was exceeded or its data cannot be read: the export fails with this reason, no retry.</summary>
public sealed class ExportRefusedException(string reason) : Exception(reason);
