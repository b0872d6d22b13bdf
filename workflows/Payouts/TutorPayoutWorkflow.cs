using Dapr.Workflow;
using DaprPlatform.Workflows.Sagas;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Payouts;

/// <summary>
/// One tutor's payout for one period (instance id from tutor + period: <see cref="PayoutPeriod.InstanceIdFor"/>):
/// OpenPayout (payments sums the unsettled earnings; below the minimum it is skipped and carried forward) → TransferPayout
/// (payments makes the Stripe transfer with an idempotency key of tutor + period, records it and publishes payout.* through
/// its outbox, which is how notifications tells the tutor). There is nothing to undo: a refused transfer fails the payout
/// and its earnings are paid next period, never twice in one. Steps are retried on transient failures: opening until
/// <see cref="OpenPatience"/>, the transfer until <see cref="TransferPatience"/> — a pending payout holds its earnings, so
/// it is given up on only after a day.
/// </summary>
public sealed class TutorPayoutWorkflow : Workflow<TutorPayoutInput, TutorPayoutOutput>
{
    public static readonly TimeSpan OpenPatience = TimeSpan.FromHours(1);
    public static readonly TimeSpan TransferPatience = TimeSpan.FromHours(24);

    internal static readonly SagaStep Open = new(PayoutSteps.OpenPayout, nameof(OpenPayoutActivity), "payments");
    internal static readonly SagaStep Transfer = new(PayoutSteps.TransferPayout, nameof(TransferPayoutActivity), "payments");

    public override async Task<TutorPayoutOutput> RunAsync(WorkflowContext context, TutorPayoutInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var steps = new SagaSteps(context, StepPatience.Steps, (step, waiting) => context.SetCustomStatus(new PayoutProgress(step.Name, Reason: waiting)));
        var started = context.CurrentUtcDateTime;

        context.SetCustomStatus(new PayoutProgress(PayoutSteps.OpenPayout));
        var opened = await steps.RunAsync<PayoutState>(Open, input, started + OpenPatience);
        if (!opened.Completed)
        {
            return await EndAsync(context, new TutorPayoutOutput(null, PayoutOutcomes.Unavailable, 0, null, opened.Stopped!.Reason), SagaOutcome.Failed);
        }

        var payout = opened.Value!;
        if (payout.Status == "pending")
        {
            context.SetCustomStatus(new PayoutProgress(PayoutSteps.TransferPayout, payout.PayoutId));
            var transferred = await steps.RunAsync<PayoutState>(Transfer, new PayoutRef(payout.PayoutId), context.CurrentUtcDateTime + TransferPatience);
            if (!transferred.Completed)
            {
                return await EndAsync(context, new TutorPayoutOutput(payout.PayoutId, PayoutOutcomes.Unavailable, payout.Amount, null, transferred.Stopped!.Reason), SagaOutcome.Failed);
            }

            payout = transferred.Value!;
        }

        var outcome = payout.Status switch
        {
            "completed" => PayoutOutcomes.Completed,
            "skipped" => PayoutOutcomes.Skipped,
            _ => PayoutOutcomes.Failed,
        };
        return await EndAsync(
            context,
            new TutorPayoutOutput(payout.PayoutId, outcome, payout.Amount, payout.TransferId, payout.FailureReason),
            outcome == PayoutOutcomes.Failed ? SagaOutcome.Failed : SagaOutcome.Completed);
    }

    private static async Task<TutorPayoutOutput> EndAsync(WorkflowContext context, TutorPayoutOutput output, SagaOutcome outcome)
    {
        context.SetCustomStatus(new PayoutProgress(PayoutSteps.Done, output.PayoutId, output.Reason));
        await SagaOutcomes.RecordAsync(context, nameof(TutorPayoutWorkflow), outcome, output.Outcome);
        return output;
    }
}
