using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.Dunning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Workflows.Features;

public sealed record StartDunningRequest(string? InstanceId, string? SubscriptionId, Guid? OwnerId, string? InvoiceId);

/// <param name="Started">False when the instance existed already (a redelivered webhook): its grace end is answered.</param>
public sealed record DunningStartedResponse(string InstanceId, DateTime GraceUntil, bool Started);

public sealed record PaymentRecoveredRequest(string? InvoiceId);

/// <param name="Raised">False when the saga had ended already: there was nothing to stop.</param>
public sealed record PaymentRecoveredResponse(string InstanceId, bool Raised);

/// <summary>A dunning instance as payments (or an operator through invocation) sees it.</summary>
public sealed record DunningInstanceResponse(string InstanceId, string RuntimeStatus, DunningProgress? Progress, DunningOutput? Output);

/// <summary>
/// Payments' handle on the dunning saga, invocation-only: start it for an unpaid renewal (the instance id is payments'
/// choice, derived from subscription + invoice, so a redelivered webhook starts nothing new), raise payment-recovered, and
/// read an instance's progress.
/// </summary>
public static class DunningSagasApi
{
    public const string PaymentsAppId = "payments";

    public const int MaxStripeIdLength = 255;

    public static IEndpointRouteBuilder MapDunningSagasApi(this IEndpointRouteBuilder app)
    {
        var dunning = app.MapGroup("/internal/dunning").RequireSidecarCaller(PaymentsAppId).WithTags("Dunning saga");
        dunning.MapPost("/", StartAsync);
        dunning.MapPost("/{instanceId}/payment-recovered", RaiseRecoveredAsync);
        dunning.MapGet("/{instanceId}", GetAsync);
        return app;
    }

    public static async Task<Results<Accepted<DunningStartedResponse>, ValidationProblem, UnavailableProblem>> StartAsync(
        StartDunningRequest? request, DaprWorkflowClient workflows, IOptions<DunningOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request?.InstanceId is not { } instanceId || !WorkflowInstanceView.IsInstanceId(instanceId))
        {
            errors.Add("instanceId", $"instanceId is required: letters, digits, '-' or '_', at most {WorkflowInstanceView.MaxInstanceIdLength} characters.");
        }

        if (request?.SubscriptionId is not { Length: > 0 and <= MaxStripeIdLength })
        {
            errors.Add("subscriptionId", $"subscriptionId is required (a Stripe id of at most {MaxStripeIdLength} characters).");
        }

        if (request?.InvoiceId is not { Length: > 0 and <= MaxStripeIdLength })
        {
            errors.Add("invoiceId", $"invoiceId is required (a Stripe id of at most {MaxStripeIdLength} characters).");
        }

        if (request?.OwnerId is not { } ownerId || ownerId == Guid.Empty)
        {
            errors.Add("ownerId", "ownerId is required.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        try
        {
            var existing = await WorkflowInstanceView.GetAsync(workflows, request!.InstanceId!, ct);
            if (existing is not null)
            {
                var input = WorkflowInstanceView.ReadOrDefault(() => existing.ReadInputAs<DunningInput>());
                return TypedResults.Accepted((string?)null, new DunningStartedResponse(request.InstanceId!, input?.GraceUntil ?? DateTime.MinValue, Started: false));
            }

            var settings = options.Value;
            var now = time.GetUtcNow().UtcDateTime;
            var graceUntil = now + settings.GracePeriod;
            var reminders = settings.EffectiveReminders.Select(offset => now + offset).ToList();
            await workflows.ScheduleNewWorkflowAsync(
                nameof(SubscriptionDunningWorkflow),
                request.InstanceId,
                new DunningInput(request.SubscriptionId!, request.OwnerId!.Value, request.InvoiceId!, graceUntil, reminders, (long)settings.DowngradeRetryInterval.TotalSeconds),
                startTime: null,
                ct);
            return TypedResults.Accepted((string?)null, new DunningStartedResponse(request.InstanceId!, graceUntil, Started: true));
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The dunning saga could not be started; try again shortly.");
        }
    }

    public static async Task<Results<Accepted<PaymentRecoveredResponse>, Ok<PaymentRecoveredResponse>, ValidationProblem, NotFoundProblem, UnavailableProblem>> RaiseRecoveredAsync(
        string instanceId, PaymentRecoveredRequest? request, DaprWorkflowClient workflows, CancellationToken ct)
    {
        if (!WorkflowInstanceView.IsInstanceId(instanceId))
        {
            return NotAnInstanceId();
        }

        try
        {
            var state = await WorkflowInstanceView.GetAsync(workflows, instanceId, ct);
            if (state is null)
            {
                return NoSuchSaga(instanceId);
            }

            if (!state.IsWorkflowRunning)
            {
                return TypedResults.Ok(new PaymentRecoveredResponse(instanceId, Raised: false));
            }

            await workflows.RaiseEventAsync(instanceId, DunningEvents.PaymentRecovered, new PaymentRecovered(request?.InvoiceId), ct);
            return TypedResults.Accepted((string?)null, new PaymentRecoveredResponse(instanceId, Raised: true));
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The dunning saga could not be reached; try again shortly.");
        }
    }

    public static async Task<Results<Ok<DunningInstanceResponse>, ValidationProblem, NotFoundProblem, UnavailableProblem>> GetAsync(
        string instanceId, DaprWorkflowClient workflows, CancellationToken ct)
    {
        if (!WorkflowInstanceView.IsInstanceId(instanceId))
        {
            return NotAnInstanceId();
        }

        try
        {
            var state = await WorkflowInstanceView.GetAsync(workflows, instanceId, ct);
            if (state is null)
            {
                return NoSuchSaga(instanceId);
            }

            return TypedResults.Ok(new DunningInstanceResponse(
                instanceId,
                WorkflowInstanceView.StatusName(state.RuntimeStatus),
                WorkflowInstanceView.ReadOrDefault(() => state.ReadCustomStatusAs<DunningProgress>()),
                WorkflowInstanceView.ReadOrDefault(() => state.ReadOutputAs<DunningOutput>())));
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The dunning saga could not be reached; try again shortly.");
        }
    }

    private static ValidationProblem NotAnInstanceId()
    {
        var errors = new ValidationErrors();
        errors.Add("instanceId", "instanceId is not a dunning instance id.");
        return errors.ToProblem();
    }

    private static NotFoundProblem NoSuchSaga(string instanceId) => Problems.NotFound($"There is no dunning saga {instanceId}.");
}
