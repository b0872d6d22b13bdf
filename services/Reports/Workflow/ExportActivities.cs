using Dapr.Workflow;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Contracts;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Exports;
using DaprPlatform.Reports.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Workflow;

// Activities are created by the workflow worker outside any request; each opens its own scope for the DbContext. Every one is
// idempotent for its export (and page): Dapr runs an activity at least once, and again after a crash.

/// <summary>Marks the export running and hands the workflow its plan; an export that is gone or ended is not startable.</summary>
public sealed class StartExportActivity(IServiceScopeFactory scopes, IOptions<ReportsOptions> options) : WorkflowActivity<Guid, ExportPlan>
{
    public override async Task<ExportPlan> RunAsync(WorkflowActivityContext context, Guid exportId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
        var export = await db.Exports.SingleOrDefaultAsync(e => e.Id == exportId);
        if (export is null || export.HasEnded)
        {
            return new ExportPlan(false, default, default, 0, 0);
        }

        export.Start();
        await db.SaveChangesAsync();
        return new ExportPlan(true, export.From, export.To, options.Value.GatherPageHours, options.Value.MaxRows);
    }
}

/// <summary>
/// One page of hours from analytics (invocation), upserted by (export, hour): a page gathered twice writes the same rows.
/// The channel being unknown or no longer the owner's is a refusal; analytics unreachable throws (the workflow retries).
/// </summary>
public sealed class GatherHoursActivity(IServiceScopeFactory scopes, AnalyticsReader analytics) : WorkflowActivity<GatherPage, GatherOutcome>
{
    public override async Task<GatherOutcome> RunAsync(WorkflowActivityContext context, GatherPage input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
        var export = await db.Exports.SingleAsync(e => e.Id == input.ExportId);
        HourlySeries series;
        try
        {
            series = await analytics.HourlyAsync(export.ChannelId, export.OwnerId, input.From, input.To, CancellationToken.None);
        }
        catch (ChannelNotFoundException)
        {
            return new GatherOutcome(0, "The channel is no longer known to analytics as yours (removed?); nothing was exported.");
        }

        var hours = series.Hours.Where(h => h.Hour >= input.From && h.Hour < input.To).ToList();
        await db.GatheredHours.Where(h => h.ExportId == input.ExportId && h.Hour >= input.From && h.Hour < input.To).ExecuteDeleteAsync();
        db.GatheredHours.AddRange(hours.Select(h => new GatheredHour
        {
            ExportId = input.ExportId,
            Hour = h.Hour.ToUniversalTime(),
            Views = h.Views,
            Reactions = h.Reactions,
            Forwards = h.Forwards,
            Posts = h.Posts,
            Joins = h.Joins,
            Leaves = h.Leaves,
            Subscribers = h.Subscribers,
        }));
        if (!string.IsNullOrWhiteSpace(series.Title))
        {
            var title = series.Title.Trim();
            export.ChannelTitle = title.Length > ReportExport.MaxChannelTitleLength ? title[..ReportExport.MaxChannelTitleLength] : title;
        }

        await db.SaveChangesAsync();
        return new GatherOutcome(hours.Count, null);
    }
}

/// <summary>
/// Renders the file from the gathered hours and keeps it (the export's file row). A file already kept is not rendered again.
/// A rendering over <see cref="ReportsOptions.MaxFileBytes"/> is refused, not stored.
/// </summary>
public sealed class RenderExportActivity(IServiceScopeFactory scopes, IOptions<ReportsOptions> options, TimeProvider time) : WorkflowActivity<Guid, RenderOutcome>
{
    public override async Task<RenderOutcome> RunAsync(WorkflowActivityContext context, Guid exportId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
        var kept = await db.ExportFiles.Where(f => f.ExportId == exportId).Select(f => (long?)f.Content.Length).SingleOrDefaultAsync();
        if (kept is { } size)
        {
            return new RenderOutcome(size, null);
        }

        var export = await db.Exports.AsNoTracking().SingleAsync(e => e.Id == exportId);
        var gathered = await db.GatheredHours.AsNoTracking().Where(h => h.ExportId == exportId).OrderBy(h => h.Hour).ToListAsync();
        var content = ExportContent.Of(export.OwnerName, export.ChannelTitle ?? $"Channel {export.ChannelId}", export.Period, time.GetUtcNow(), gathered);
        var bytes = export.Format == ExportFormat.Pdf ? PdfExportRenderer.Render(content) : CsvExportRenderer.Render(content);
        var max = options.Value.MaxFileBytes;
        if (bytes.Length > max)
        {
            return new RenderOutcome(bytes.Length, $"The {export.Format.WireName().ToUpperInvariant()} file would be {bytes.Length:N0} bytes, over the {max:N0} bytes one export may keep; export a shorter period.");
        }

        db.ExportFiles.Add(new ExportFile { ExportId = exportId, Content = bytes });
        await db.SaveChangesAsync();
        return new RenderOutcome(bytes.Length, null);
    }
}

/// <summary>
/// Completes the export with its file's size, announcing it (<c>report.exported</c>) in the same transaction, and drops the
/// gathered rows (the file is what is kept). A re-run finds it completed and announces nothing; two runs at once meet on the
/// export's row version, and the loser is retried into a re-run.
/// </summary>
public sealed class StoreExportActivity(IServiceScopeFactory scopes, TimeProvider time) : WorkflowActivity<Guid, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, Guid exportId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
        var export = await db.Exports.SingleAsync(e => e.Id == exportId);
        var size = await db.ExportFiles.Where(f => f.ExportId == exportId).Select(f => f.Content.Length).SingleAsync();
        if (export.Complete(size, time.GetUtcNow()))
        {
            scope.ServiceProvider.GetRequiredService<Outbox<ReportsDbContext>>().Enqueue(ReportExported.Topic, ReportExported.Of(export));
        }

        await db.SaveChangesAsync();
        await db.GatheredHours.Where(h => h.ExportId == exportId).ExecuteDeleteAsync();
        return true;
    }
}

/// <summary>
/// Fails the export with its reason, announcing it (<c>report.exported</c>) in the same transaction, and drops what was
/// gathered; a failed export does not count against the quota. Announced once, as <see cref="StoreExportActivity"/> is.
/// </summary>
public sealed class FailExportActivity(IServiceScopeFactory scopes, TimeProvider time) : WorkflowActivity<ExportFailure, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, ExportFailure input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportsDbContext>();
        if (await db.Exports.SingleOrDefaultAsync(e => e.Id == input.ExportId) is { } export)
        {
            if (export.Fail(input.Reason, time.GetUtcNow()))
            {
                scope.ServiceProvider.GetRequiredService<Outbox<ReportsDbContext>>().Enqueue(ReportExported.Topic, ReportExported.Of(export));
            }

            await db.SaveChangesAsync();
            await db.GatheredHours.Where(h => h.ExportId == input.ExportId).ExecuteDeleteAsync();
        }

        return true;
    }
}
