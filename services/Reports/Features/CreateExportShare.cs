using System.Security.Claims;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Features;

public sealed record CreateExportShareRequest(DateTimeOffset? ExpiresAt, string? Password);

/// <summary>POST /api/reports/exports/{id}/shares — a read-only link to a completed export's file; the URL is shown once (201).</summary>
public static class CreateExportShare
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/shares", HandleAsync).WithName("CreateExportShare");

    public static async Task<Results<Created<ShareCreatedResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id, CreateExportShareRequest? request, ClaimsPrincipal user, ReportsDbContext db, IOptions<ReportsOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{expiresAt, password?}");
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var expiresAt = ShareLinks.CheckExpiryAndPassword(new CreateShareRequest(null, null, request.ExpiresAt, request.Password), now, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var export = await ExportAccess.FindOwnAsync(db, id, user, ct);
        if (export is null)
        {
            return ReportProblems.ExportNotFound(id);
        }

        if (export.Status != ExportStatus.Completed)
        {
            return ReportProblems.NotReady(export);
        }

        var created = await ShareLinks.CreateAsync(db, options, export.OwnerId, ShareKind.Export, export.Id, export.ChannelId, expiresAt!.Value, request.Password, now, ct);
        return TypedResults.Created($"/api/reports/shares/{created.Id}", created);
    }
}
