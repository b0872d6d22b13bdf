using System.Security.Claims;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

/// <summary>GET /api/reports/exports/{id}/file — the owner's CSV (text/csv) or PDF (application/pdf) as an attachment; 409 until completed.</summary>
public static class DownloadExport
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}/file", HandleAsync).WithName("DownloadExport")
        .Produces(StatusCodes.Status200OK, contentType: "application/pdf", additionalContentTypes: ["text/csv"]);

    public static async Task<Results<FileContentHttpResult, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id, ClaimsPrincipal user, ReportsDbContext db, CancellationToken ct)
    {
        var export = await ExportAccess.FindOwnAsync(db, id, user, ct);
        if (export is null)
        {
            return ReportProblems.ExportNotFound(id);
        }

        if (export.Status != ExportStatus.Completed)
        {
            return ReportProblems.NotReady(export);
        }

        var content = await db.ExportFiles.Where(f => f.ExportId == id).Select(f => f.Content).SingleAsync(ct);
        return TypedResults.File(content, export.Format.ContentType(), export.FileName);
    }
}
