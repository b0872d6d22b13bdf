using System.Security.Claims;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.Reports.Workflow;
using DaprPlatform.ServiceDefaults;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>GET /api/reports/exports/{id} — the owner's export with its progress (the workflow's custom status while it runs); others 404.</summary>
public static class GetExport
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}", HandleAsync).WithName("GetExport");

    public static async Task<Results<Ok<ExportResponse>, NotFoundProblem>> HandleAsync(
        Guid id, ClaimsPrincipal user, ReportsDbContext db, DaprWorkflowClient workflows, CancellationToken ct)
    {
        var export = await ExportAccess.FindOwnAsync(db, id, user, ct);
        if (export is null)
        {
            return ReportProblems.ExportNotFound(id);
        }

        var progress = export.Status is ExportStatus.Queued or ExportStatus.Running ? await ProgressAsync(workflows, id, ct) : null;
        return TypedResults.Ok(ExportResponse.Of(export, progress));
    }

    /// <summary>The workflow's custom status; null when the sidecar cannot say (the answer then carries no percent).</summary>
    private static async Task<ExportProgress?> ProgressAsync(DaprWorkflowClient workflows, Guid id, CancellationToken ct)
    {
        try
        {
            var state = await workflows.GetWorkflowStateAsync(id.ToString(), getInputsAndOutputs: true, ct);
            return state is { Exists: true } ? state.ReadCustomStatusAs<ExportProgress>() : null;
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or TimeoutException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>An export as its owner reaches it: anyone else's is "not found" (ids cannot be probed).</summary>
public static class ExportAccess
{
    public static async Task<ReportExport?> FindOwnAsync(ReportsDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var ownerId = user.GetUserId();
        return await db.Exports.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.OwnerId == ownerId, ct);
    }
}
