using System.Globalization;
using DaprPlatform.Reports.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Reports.Features;

/// <summary>
/// 402 "plan limit" problem of the issue 18 contract (type, title, detail, limit, plan, allowed, liftedBy). The one place reports
/// writes it; it moves to the shared ServiceDefaults helper when that lands.
/// </summary>
public sealed class PlanLimitProblem(string detail, IDictionary<string, object?> extensions) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, Microsoft.AspNetCore.Http.Metadata.IEndpointMetadataProvider
{
    public const string Type = "https://daprplatform.dev/problems/plan-limit";
    public const string Title = "Your plan's limit is reached.";

    private readonly Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult _problem =
        TypedResults.Problem(detail, statusCode: StatusCodes.Status402PaymentRequired, title: Title, type: Type, extensions: extensions);

    public int? StatusCode => StatusCodes.Status402PaymentRequired;

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => _problem.ProblemDetails;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status402PaymentRequired, typeof(ProblemDetails), ["application/problem+json"]));
    }

    public static PlanLimitProblem ExportsPerMonth(ExportEntitlement entitlement)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        var allowed = entitlement.ExportsPerMonth;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"The {entitlement.Plan} plan allows {allowed} {(allowed == 1 ? "export" : "exports")} a month.");
        return new PlanLimitProblem(detail, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["limit"] = "exportsPerMonth",
            ["plan"] = entitlement.Plan,
            ["allowed"] = allowed,
            ["liftedBy"] = entitlement.LiftedBy,
        });
    }
}

public static class ReportProblems
{
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
