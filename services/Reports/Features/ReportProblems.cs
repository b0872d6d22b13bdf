using System.Globalization;
using DaprPlatform.Reports.Domain;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reports.Features;

public static class ReportProblems
{
    /// <summary>402 in the plan-limit shape every service answers: the month's exports are used up.</summary>
    public static PlanLimitProblem ExportsPerMonth(ExportEntitlement entitlement)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        var allowed = entitlement.ExportsPerMonth;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"The {entitlement.Plan} plan allows {allowed} {(allowed == 1 ? "export" : "exports")} a month.");
        return new PlanLimitProblem("exportsPerMonth", entitlement.Plan, allowed, entitlement.LiftedBy, detail);
    }

    public const string ExportNotReadyType = "https://daprplatform.dev/problems/export-not-ready";

    public static NotFoundProblem ExportNotFound(Guid id) => Problems.NotFound($"Export {id} does not exist.");

    public static NotFoundProblem ShareNotFound(Guid id) => Problems.NotFound($"Share link {id} does not exist.");

    public static NotFoundProblem ChannelNotFound(Guid id) => Problems.NotFound($"Channel {id} was not found.");

    public static ConflictProblem NotReady(ReportExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return new ConflictProblem(
            export.Status == ExportStatus.Failed
                ? $"Export {export.Id} failed ({export.FailureReason}); it has no file."
                : $"Export {export.Id} is {export.Status.ToString().ToLowerInvariant()}; its file is there once it completes.",
            "The export has no file yet.", ExportNotReadyType);
    }
}
