using System.Globalization;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Channels;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Reports;

/// <summary>An export as the reports app answers it (its <c>ExportResponse</c>).</summary>
/// <param name="Status">queued, running, completed or failed.</param>
/// <param name="Percent">0–100 while it runs (null when reports could not read the workflow's progress).</param>
/// <param name="Step">gather, render, store, done or failed.</param>
public sealed record ReportExport(
    Guid Id, Guid ChannelId, string? ChannelTitle, DateTimeOffset From, DateTimeOffset To, string Format, string Status, int? Percent, string? Step,
    long? SizeBytes, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? FileUrl)
{
    public bool Ended => Status is ExportStatuses.Completed or ExportStatuses.Failed;
}

public static class ExportStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static string Text(string status) => status switch
    {
        Queued => "Queued",
        Running => "Running",
        Completed => "Ready",
        Failed => "Failed",
        _ => status,
    };

    /// <summary>A workflow step as a person reads it.</summary>
    public static string StepText(string? step) => step switch
    {
        "gather" => "Gathering the channel's numbers",
        "render" => "Drawing the report",
        "store" => "Saving the file",
        "done" => "Done",
        "failed" => "Failed",
        null => "Starting",
        _ => step,
    };
}

/// <summary>A link just created: the only time its address (with the secret token) is known.</summary>
public sealed record ShareCreated(Guid Id, string Kind, string Url, DateTimeOffset ExpiresAt, bool HasPassword)
{
    /// <summary>The token: the last segment of the link's address.</summary>
    public string Token => new Uri(Url, UriKind.Absolute).Segments[^1];
}

/// <summary>An owner's link as listed (reports keeps only the token's hash, so no address).</summary>
public sealed record ShareLinkView(
    Guid Id, string Kind, Guid? ExportId, Guid ChannelId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool HasPassword,
    long ViewCount, bool Revoked, DateTimeOffset? RevokedAt, bool Expired)
{
    public string StateText => Revoked ? "Revoked" : Expired ? "Expired" : "Active";
}

/// <summary>What a dashboard link shows: the channel's current summary, nothing of its owner.</summary>
public sealed record SharedDashboard(
    string Kind, string ChannelTitle, string Period, DateTimeOffset From, DateTimeOffset To, MetricTotals Totals, long? Subscribers,
    long SubscriberGrowth, double EngagementRate, double PostsPerDay, DateTimeOffset LinkExpiresAt);

/// <summary>What a public link served: an export's file, or a dashboard's summary.</summary>
public sealed record SharedContent(ServiceFile? File, SharedDashboard? Dashboard);

/// <summary>
/// The reports app's routes: the owner's exports and share links (as the signed-in person), and the public
/// <c>/api/shared/{token}</c> (anonymous, the link's password in <see cref="PasswordHeader"/>).
/// </summary>
public sealed class ReportsClient(ServiceCalls services)
{
    public const string AppId = "reports";
    public const string PasswordHeader = "X-Share-Password";

    /// <summary>Enough for a page of an owner's exports or links; the service caps a page at 100.</summary>
    private const int PageSize = 50;

    public Task<ApiResult<ReportExport>> CreateExportAsync(Guid channelId, DateTimeOffset from, DateTimeOffset to, string format, CancellationToken ct) =>
        services.SendAsync<ReportExport>(HttpMethod.Post, AppId, "api/reports/exports", new { channelId, from, to, format }, ct);

    public Task<ApiResult<ReportExport>> GetExportAsync(Guid id, CancellationToken ct) =>
        services.GetAsync<ReportExport>(AppId, $"api/reports/exports/{id}", ct);

    public Task<ApiResult<PagedResponse<ReportExport>>> ListExportsAsync(Guid? channelId, CancellationToken ct) =>
        services.GetAsync<PagedResponse<ReportExport>>(AppId,
            $"api/reports/exports?pageSize={PageSize.ToString(CultureInfo.InvariantCulture)}{(channelId is { } c ? $"&channelId={c}" : "")}", ct);

    public Task<ApiResult<ServiceFile>> DownloadAsync(Guid id, CancellationToken ct) =>
        services.GetFileAsync(AppId, $"api/reports/exports/{id}/file", ct);

    public Task<ApiResult<ShareCreated>> ShareExportAsync(Guid exportId, DateTimeOffset expiresAt, string? password, CancellationToken ct) =>
        services.SendAsync<ShareCreated>(HttpMethod.Post, AppId, $"api/reports/exports/{exportId}/shares", new { expiresAt, password }, ct);

    /// <summary>A read-only link to the channel's live summary (a dashboard view), not a file.</summary>
    public Task<ApiResult<ShareCreated>> ShareDashboardAsync(Guid channelId, DateTimeOffset expiresAt, string? password, CancellationToken ct) =>
        services.SendAsync<ShareCreated>(HttpMethod.Post, AppId, "api/reports/shares", new { channelId, kind = "dashboard", expiresAt, password }, ct);

    public Task<ApiResult<PagedResponse<ShareLinkView>>> ListSharesAsync(CancellationToken ct) =>
        services.GetAsync<PagedResponse<ShareLinkView>>(AppId, $"api/reports/shares?pageSize={PageSize.ToString(CultureInfo.InvariantCulture)}", ct);

    public Task<ApiResult> RevokeShareAsync(Guid id, CancellationToken ct) =>
        services.SendAsync(HttpMethod.Delete, AppId, $"api/reports/shares/{id}", body: null, ct);

    /// <summary>Opens a public link as anyone would (no token); a dashboard's JSON is read, a file is kept as it came.</summary>
    public async Task<ApiResult<SharedContent>> OpenSharedAsync(string token, string? password, CancellationToken ct)
    {
        var headers = string.IsNullOrEmpty(password) ? null : new Dictionary<string, string> { [PasswordHeader] = password };
        var answer = await services.GetFileAsync(AppId, $"api/shared/{Uri.EscapeDataString(token)}", ct, headers, anonymous: true);
        if (!answer.Succeeded)
        {
            return ApiResult<SharedContent>.Failure(answer.Problem);
        }

        if (!answer.Value.IsJson)
        {
            return ApiResult<SharedContent>.Success(new SharedContent(answer.Value, null));
        }

        try
        {
            var dashboard = JsonSerializer.Deserialize<SharedDashboard>(answer.Value.Content, ServiceCalls.Json);
            return dashboard is null
                ? ApiResult<SharedContent>.Failure(ApiProblem.Read(System.Net.HttpStatusCode.BadGateway, null))
                : ApiResult<SharedContent>.Success(new SharedContent(null, dashboard));
        }
        catch (JsonException)
        {
            return ApiResult<SharedContent>.Failure(ApiProblem.Read(System.Net.HttpStatusCode.BadGateway, null));
        }
    }
}
