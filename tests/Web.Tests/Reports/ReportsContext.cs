using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Reports;

/// <summary>The reports pages over the fake sidecar, with reports' JSON at hand.</summary>
public abstract class ReportsContext : WebComponentContext
{
    protected const string App = "reports";

    protected static readonly Guid ExportId = Guid.Parse("01938a1e-7c2b-7d4e-9f10-2a3b4c5d6e7f");
    protected static readonly Guid ChannelId = Guid.Parse("5b6c7d8e-9f01-4234-8567-89abcdef0123");

    protected ReportsContext() => Services.AddReportFeatures();

    protected static string Export(string status, int? percent, string? step, string format = "pdf", string? failureReason = null, long? sizeBytes = null) =>
        JsonSerializer.Serialize(new
        {
            id = ExportId, channelId = ChannelId, channelTitle = "Some Channel",
            from = new DateTimeOffset(2026, 11, 7, 10, 0, 0, TimeSpan.Zero), to = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero),
            format, status, percent, step, sizeBytes, failureReason,
            createdAt = new DateTimeOffset(2026, 12, 7, 9, 58, 0, TimeSpan.Zero),
            completedAt = status == "completed" ? new DateTimeOffset(2026, 12, 7, 9, 59, 0, TimeSpan.Zero) : (DateTimeOffset?)null,
            fileUrl = status == "completed" ? $"/api/reports/exports/{ExportId}/file" : null,
        }, JsonSerializerOptions.Web);

    protected static string Share(Guid id, long views, bool revoked = false, bool expired = false, bool hasPassword = true, Guid? exportId = null) =>
        JsonSerializer.Serialize(new
        {
            id, kind = "export", exportId = exportId ?? ExportId, channelId = ChannelId,
            createdAt = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), expiresAt = new DateTimeOffset(2026, 12, 14, 10, 0, 0, TimeSpan.Zero),
            hasPassword, viewCount = views, revoked, revokedAt = revoked ? new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero) : (DateTimeOffset?)null, expired,
        }, JsonSerializerOptions.Web);

    protected static string Page(params string[] items) => $$"""{"items":[{{string.Join(",", items)}}],"page":1,"pageSize":50,"total":{{items.Length}}}""";
}
