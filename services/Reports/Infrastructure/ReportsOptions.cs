namespace DaprPlatform.Reports.Infrastructure;

/// <summary>Configuration section "Reports": the bounds of one export and the address share links are built on.</summary>
public sealed class ReportsOptions
{
    public const string SectionName = "Reports";

    /// <summary>The public base address of share links (the gateway): links read <c>{PublicBaseUrl}/api/shared/{token}</c>.</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5000");

    /// <summary>At most this many hourly rows are gathered for one export; more fails the export with the reason.</summary>
    public int MaxRows { get; set; } = 92 * 24;

    /// <summary>At most this many bytes are stored for one export's file; a larger rendering fails the export.</summary>
    public int MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many hours one call to analytics asks for while gathering (a page; progress moves per page).</summary>
    public int GatherPageHours { get; set; } = 7 * 24;
}

/// <summary>
/// Configuration section "FreePlan": the export limit of owners reports has no <c>plan.changed</c> for, mirroring the free plan
/// of payments' catalogue (ADR 0030), and the plan that lifts it.
/// </summary>
public sealed class FreePlanOptions
{
    public const string SectionName = "FreePlan";

    public string Plan { get; set; } = "free";

    public int ExportsPerMonth { get; set; } = 3;

    public string? ExportsPerMonthLiftedBy { get; set; } = "pro";
}
