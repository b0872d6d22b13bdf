using System.Globalization;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Payouts;

// The activities of TutorPayout and PayoutCalendar. Each is one invocation of payments carrying the step's idempotency key;
// payments makes them idempotent per (tutor, period) — the payout's id and the Stripe transfer's idempotency key are derived
// from them — so a redelivered activity has no second effect.

/// <summary>Opens the tutor's payout of the period at payments: the balance, pending or skipped below the minimum.</summary>
public sealed class OpenPayoutActivity(ServiceStepCall call) : WorkflowActivity<TutorPayoutInput, PayoutState>
{
    public override async Task<PayoutState> RunAsync(WorkflowActivityContext context, TutorPayoutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, PayoutSteps.OpenPayout, HttpMethod.Post, "payments", "internal/payouts", new
        {
            tutorId = input.TutorId,
            periodStart = new DateTimeOffset(input.PeriodStart, TimeSpan.Zero),
            periodEnd = new DateTimeOffset(input.PeriodEnd, TimeSpan.Zero),
        });
        return PayoutAnswer.Read(answer);
    }
}

/// <summary>Makes the payout's Stripe transfer through payments (one per tutor and period at Stripe) and reads how it ended.</summary>
public sealed class TransferPayoutActivity(ServiceStepCall call) : WorkflowActivity<PayoutRef, PayoutState>
{
    public override async Task<PayoutState> RunAsync(WorkflowActivityContext context, PayoutRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, PayoutSteps.TransferPayout, HttpMethod.Post, "payments", $"internal/payouts/{input.PayoutId}/transfer");
        return PayoutAnswer.Read(answer);
    }
}

/// <summary>
/// The calendar's wake-up: asks payments which tutors a period pays and starts each one's TutorPayout saga. An instance
/// that exists already (started on demand, or by an earlier delivery of this activity) is left alone: a period never runs twice.
/// </summary>
public sealed class StartDuePayoutsActivity(ServiceStepCall call, DaprWorkflowClient workflows) : WorkflowActivity<DuePeriod, DuePayoutsStarted>
{
    public override async Task<DuePayoutsStarted> RunAsync(WorkflowActivityContext context, DuePeriod input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var before = Uri.EscapeDataString(new DateTimeOffset(input.PeriodEnd, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
        var answer = await call.SendAsync(context, "DuePayouts", HttpMethod.Get, "payments", $"internal/payouts/due?before={before}");
        var body = answer.Body ?? throw new ServiceStepException("payments", answer.StatusCode, "payments answered without the due tutors.");
        var period = new PayoutPeriod(input.PeriodStart, input.PeriodEnd);
        var started = 0;
        var tutors = body.GetProperty("tutorIds").EnumerateArray().Select(t => t.GetGuid()).ToList();
        foreach (var tutorId in tutors)
        {
            if (await PayoutSagaStarter.StartAsync(workflows, period, tutorId, context.CancellationToken))
            {
                started++;
            }
        }

        return new DuePayoutsStarted(tutors.Count, started);
    }
}

/// <summary>Starts a tutor's payout saga for a period unless it exists.</summary>
public static class PayoutSagaStarter
{
    /// <returns>True when this call started it.</returns>
    public static async Task<bool> StartAsync(DaprWorkflowClient workflows, PayoutPeriod period, Guid tutorId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        ArgumentNullException.ThrowIfNull(period);
        var instanceId = period.InstanceIdFor(tutorId);
        var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, ct);
        if (state is { Exists: true })
        {
            return false;
        }

        await workflows.ScheduleNewWorkflowAsync(nameof(TutorPayoutWorkflow), instanceId, new TutorPayoutInput(tutorId, period.Start, period.End), startTime: null, ct);
        return true;
    }
}

internal static class PayoutAnswer
{
    public static PayoutState Read(ServiceStepResponse answer)
    {
        var body = answer.Body ?? throw new ServiceStepException("payments", answer.StatusCode, "payments answered without the payout.");
        try
        {
            var amount = body.GetProperty("amount");
            return new PayoutState(
                body.GetProperty("payoutId").GetGuid(),
                body.GetProperty("status").GetString()!,
                amount.GetProperty("amount").GetInt64(),
                amount.GetProperty("currency").GetString()!,
                body.TryGetProperty("transferId", out var transfer) && transfer.ValueKind == JsonValueKind.String ? transfer.GetString() : null,
                body.TryGetProperty("failureReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ServiceStepException("payments", answer.StatusCode, $"payments answered a payout without its fields ({e.Message}).");
        }
    }
}
