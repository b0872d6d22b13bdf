using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.Payouts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Workflows.Features;

public sealed record StartOnDemandPayoutRequest(Guid? TutorId);

/// <param name="Started">False when the period's saga existed already (the calendar's, or an earlier on-demand one).</param>
public sealed record PayoutSagaStartedResponse(string InstanceId, DateTime PeriodStart, DateTime PeriodEnd, bool Started);

/// <summary>
/// Payments' handle on the payout saga, invocation-only: an on-demand payout is the current period's saga started now
/// instead of at the period's end — the same instance id the calendar would use, so a period still runs once.
/// </summary>
public static class PayoutSagasApi
{
    /// <summary>The only app that asks for on-demand payouts (its public POST /api/payouts/initiate).</summary>
    public const string PaymentsAppId = "payments";

    public static IEndpointRouteBuilder MapPayoutSagasApi(this IEndpointRouteBuilder app)
    {
        var payouts = app.MapGroup("/internal/payouts").RequireSidecarCaller(PaymentsAppId).WithTags("Payout saga");
        payouts.MapPost("/on-demand", StartOnDemandAsync);
        return app;
    }

    public static async Task<Results<Accepted<PayoutSagaStartedResponse>, ValidationProblem, UnavailableProblem>> StartOnDemandAsync(
        StartOnDemandPayoutRequest? request, DaprWorkflowClient workflows, IOptions<PayoutOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (request?.TutorId is not { } tutorId || tutorId == Guid.Empty)
        {
            var errors = new ValidationErrors();
            errors.Add("tutorId", "tutorId is required.");
            return errors.ToProblem();
        }

        var period = PayoutPeriod.Containing(time.GetUtcNow().UtcDateTime, options.Value.Period);
        bool started;
        try
        {
            started = await PayoutSagaStarter.StartAsync(workflows, period, tutorId, ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The payout saga could not be started; try again shortly.");
        }

        return TypedResults.Accepted((string?)null, new PayoutSagaStartedResponse(period.InstanceIdFor(tutorId), period.Start, period.End, started));
    }
}
