using Dapr.Workflow;

namespace DaprPlatform.Reports.Workflow;

/// <summary>
/// gather (page by page from analytics into reports' database) → render (CSV or PDF, bounded in size) → store (the export is
/// completed). The custom status says how far it is. Each activity is idempotent per export and step, so a crash of the app
/// anywhere is survived: Dapr replays the instance from its history and re-runs at most the activity that was running.
/// A refusal (a bound exceeded, the channel gone) or a step that keeps failing ends the export as failed with its reason.
/// </summary>
public sealed class ReportExportWorkflow : Workflow<ExportInput, ExportOutcome>
{
    public const string Name = nameof(ReportExportWorkflow);

    /// <summary>Analytics or the database may be briefly away; a step is tried for about a minute before the export fails.</summary>
    private static readonly WorkflowTaskOptions Patient = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(20)));

    // Progress: gathering takes most of the time (one call to analytics per page), rendering and storing the rest.
    private const int GatherStart = 5;
    private const int RenderStart = 70;
    private const int StoreStart = 90;

    public override async Task<ExportOutcome> RunAsync(WorkflowContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new ExportProgress(0, ExportSteps.Gather));
        try
        {
            var plan = await context.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), input.ExportId, Patient);
            if (!plan.Startable)
            {
                return new ExportOutcome("skipped", null, null);
            }

            var pages = Pages(plan).ToList();
            var rows = 0;
            for (var i = 0; i < pages.Count; i++)
            {
                var gathered = await context.CallActivityAsync<GatherOutcome>(nameof(GatherHoursActivity), new GatherPage(input.ExportId, pages[i].From, pages[i].To), Patient);
                if (gathered.Refusal is { } refusal)
                {
                    return await FailAsync(context, input.ExportId, refusal);
                }

                rows += gathered.Rows;
                if (rows > plan.MaxRows)
                {
                    return await FailAsync(context, input.ExportId, $"The period has more than {plan.MaxRows} hourly rows, the most one export takes; export a shorter period.");
                }

                context.SetCustomStatus(new ExportProgress(GatherStart + ((RenderStart - GatherStart) * (i + 1) / pages.Count), ExportSteps.Gather));
            }

            context.SetCustomStatus(new ExportProgress(RenderStart, ExportSteps.Render));
            var rendered = await context.CallActivityAsync<RenderOutcome>(nameof(RenderExportActivity), input.ExportId, Patient);
            if (rendered.Refusal is { } tooLarge)
            {
                return await FailAsync(context, input.ExportId, tooLarge);
            }

            context.SetCustomStatus(new ExportProgress(StoreStart, ExportSteps.Store));
            await context.CallActivityAsync<bool>(nameof(StoreExportActivity), input.ExportId, Patient);
            context.SetCustomStatus(new ExportProgress(100, ExportSteps.Done));
            return new ExportOutcome("completed", rendered.SizeBytes, null);
        }
        catch (WorkflowTaskFailedException)
        {
            // A step failed on every attempt (analytics away for long, an unexpected error); its message is for the logs, not the owner.
            return await FailAsync(context, input.ExportId, "The export could not be made: its data could not be read or written for a while. Try again later.");
        }
    }

    private static async Task<ExportOutcome> FailAsync(WorkflowContext context, Guid exportId, string reason)
    {
        await context.CallActivityAsync<bool>(nameof(FailExportActivity), new ExportFailure(exportId, reason), Patient);
        context.SetCustomStatus(new ExportProgress(100, ExportSteps.Failed));
        return new ExportOutcome("failed", null, reason);
    }

    /// <summary>The period cut into pages of <see cref="ExportPlan.PageHours"/> hours (the last one shorter).</summary>
    public static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Pages(ExportPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        for (var from = plan.From; from < plan.To; from = from.AddHours(plan.PageHours))
        {
            var to = from.AddHours(plan.PageHours);
            yield return (from, to < plan.To ? to : plan.To);
        }
    }
}
