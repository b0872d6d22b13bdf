using System.Security.Claims;
using Dapr.Workflow;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Contracts;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.Reports.Workflow;
using DaprPlatform.ServiceDefaults;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Reports.Features;

public sealed record CreateExportRequest(Guid? ChannelId, DateTimeOffset? From, DateTimeOffset? To, string? Format);

/// <summary>
/// POST /api/reports/exports — validates the period and format, checks the month's quota (402 at the limit), records the
/// export (queued) and starts <see cref="ReportExportWorkflow"/> with the export id as instance id → 202 with Location.
/// Whether the channel is the caller's is analytics' answer while gathering (an unknown channel fails the export, which then
/// does not count).
/// </summary>
public static class CreateExport
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/", HandleAsync).WithName("CreateExport");

    public static async Task<Results<Accepted<ExportResponse>, ValidationProblem, PlanLimitProblem, UnavailableProblem>> HandleAsync(
        CreateExportRequest? request, ClaimsPrincipal user, ReportsDbContext db, Outbox<ReportsDbContext> outbox, ExportQuotas quotas, DaprWorkflowClient workflows, TimeProvider time, CancellationToken ct)
    {
        if (request is null)
        {
            return ValidationErrors.MissingBody("{channelId, from, to, format: csv|pdf}");
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var channelId = errors.RequireId("channelId", request.ChannelId);
        var period = ReportPeriod.TryCreate(request.From, request.To, now, errors.Add);
        if (!ExportFormats.TryParse(request.Format, out var format))
        {
            errors.Add("format", "format must be csv or pdf.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var ownerId = user.GetUserId();
        var ownerName = user.FindFirst(PlatformClaims.Name)?.Value?.Trim() is { Length: > 0 } name ? name : "Channel owner";
        var export = ReportExport.Queue(Guid.CreateVersion7(now), ownerId, ownerName, channelId!.Value, period!, format, now);

        var strategy = db.Database.CreateExecutionStrategy();
        var refusal = await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            // One owner's requests queue here, so two at once cannot both take the month's last export.
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({QuotaLockKey(ownerId)})", token);
            var entitlement = await quotas.EntitlementAsync(ownerId, token);
            if (ExportQuota.IsReached(await quotas.UsedAsync(ownerId, now, token), entitlement.ExportsPerMonth))
            {
                return ReportProblems.ExportsPerMonth(entitlement);
            }

            db.Exports.Add(export);
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return null;
        }, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            await workflows.ScheduleNewWorkflowAsync(ReportExportWorkflow.Name, export.Id.ToString(), new ExportInput(export.Id), startTime: null, ct);
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or TimeoutException)
        {
            // Not started: the export is failed at once (so it does not count) and the owner may simply ask again. It ended,
            // so it is announced like any other ending (report.exported: one per export, whatever ended it).
            if (export.Fail("The export could not be started; try again shortly.", time.GetUtcNow()))
            {
                outbox.Enqueue(ReportExported.Topic, ReportExported.Of(export));
            }

            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The engine did take it after all (its first step moved the export on): the workflow owns the export now.
                db.ChangeTracker.Clear();
                var taken = await db.Exports.AsNoTracking().SingleAsync(x => x.Id == export.Id, CancellationToken.None);
                return TypedResults.Accepted($"/api/reports/exports/{export.Id}", ExportResponse.Of(taken));
            }

            return Problems.Unavailable("The export could not be started (the workflow engine did not answer); try again shortly.");
        }

        return TypedResults.Accepted($"/api/reports/exports/{export.Id}", ExportResponse.Of(export));
    }

    /// <summary>The advisory lock of an owner's quota: the first 8 bytes of their id.</summary>
    private static long QuotaLockKey(Guid ownerId) => BitConverter.ToInt64(ownerId.ToByteArray(), 0);
}
