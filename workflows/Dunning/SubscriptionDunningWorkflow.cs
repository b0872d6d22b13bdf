using Dapr.Workflow;
using DaprPlatform.Workflows.Sagas;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Dunning;

/// <summary>
/// A failed plan renewal (instance id from subscription + invoice, chosen by payments): the owner keeps the paid plan for a
/// grace period and is reminded on a schedule; <c>payment-recovered</c> (raised by payments on invoice.paid) races every
/// timer and ends the saga with "payment received". At the grace end, still unpaid → payments downgrades the owner to free
/// → the owner is told. Compensations: a reminder that cannot be sent is recorded and the saga goes on; a downgrade that
/// keeps failing is recorded and tried again on a durable timer (the recovery event still races it) — an owner who does
/// not pay is never left on a paid plan because payments was down, and never downgraded after paying.
/// </summary>
public sealed class SubscriptionDunningWorkflow : Workflow<DunningInput, DunningOutput>
{
    /// <summary>How long one reminder is retried before it is given up (the saga goes on without it).</summary>
    public static readonly TimeSpan ReminderPatience = TimeSpan.FromMinutes(10);

    /// <summary>How long one round of downgrade attempts lasts before the saga waits for the retry interval.</summary>
    public static readonly TimeSpan DowngradePatience = TimeSpan.FromMinutes(5);

    internal static readonly SagaStep Check = new(DunningSteps.CheckSubscription, nameof(GetSubscriptionActivity), "payments");
    internal static readonly SagaStep Downgrade = new(DunningSteps.Downgrade, nameof(DowngradeSubscriptionActivity), "payments");

    public override async Task<DunningOutput> RunAsync(WorkflowContext context, DunningInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var steps = new SagaSteps(context, StepPatience.Steps);
        using var stop = new CancellationTokenSource();
        var recovered = context.WaitForExternalEventAsync<PaymentRecovered>(DunningEvents.PaymentRecovered, stop.Token);
        var subscription = new SubscriptionRef(input.SubscriptionId);
        var sent = 0;
        var failed = 0;
        string? lastProblem = null;

        var reminders = input.Reminders.Where(r => r < input.GraceUntil).Order().ToList();
        for (var i = 0; i < reminders.Count; i++)
        {
            context.SetCustomStatus(new DunningProgress(DunningSteps.WaitingForPayment, input.GraceUntil, sent, reminders[i], lastProblem));
            if (await RecoveredBeforeAsync(context, recovered, reminders[i], stop.Token))
            {
                return await RecoveredAsync(context, input, steps, stop, sent, failed);
            }

            // A recovery whose event was lost (or raised before this instance existed) still stops the reminders.
            var state = await steps.RunAsync<SubscriptionState>(Check, subscription, context.CurrentUtcDateTime + ReminderPatience);
            if (state is { Completed: true, Value.Status: "active" or "trialing" })
            {
                return await RecoveredAsync(context, input, steps, stop, sent, failed);
            }

            var number = i + 1;
            var step = DunningSteps.Reminder(number);
            context.SetCustomStatus(new DunningProgress(step, input.GraceUntil, sent, reminders[i], lastProblem));
            if (await NotifyAsync(context, steps, new DunningNotice(input.OwnerId, DunningNoticeKinds.Reminder, step, input.GraceUntil, number, null), input.GraceUntil))
            {
                sent++;
            }
            else
            {
                failed++;
                lastProblem = $"reminder {number} could not be sent";
            }
        }

        context.SetCustomStatus(new DunningProgress(DunningSteps.WaitingForPayment, input.GraceUntil, sent, null, lastProblem));
        if (await RecoveredBeforeAsync(context, recovered, input.GraceUntil, stop.Token))
        {
            return await RecoveredAsync(context, input, steps, stop, sent, failed);
        }

        for (var attempt = 1; ; attempt++)
        {
            context.SetCustomStatus(new DunningProgress(DunningSteps.Downgrade, input.GraceUntil, sent, null, lastProblem));
            var downgraded = await steps.RunAsync<SubscriptionState>(Downgrade, subscription, context.CurrentUtcDateTime + DowngradePatience);
            if (downgraded.Completed && downgraded.Value!.Recovered)
            {
                return await RecoveredAsync(context, input, steps, stop, sent, failed);
            }

            if (downgraded.Completed)
            {
                context.SetCustomStatus(new DunningProgress(DunningSteps.NotifyDowngraded, input.GraceUntil, sent, null, lastProblem));
                await NotifyAsync(context, steps, new DunningNotice(input.OwnerId, DunningNoticeKinds.Downgraded, DunningSteps.NotifyDowngraded, input.GraceUntil, 0, downgraded.Value!.Plan), context.CurrentUtcDateTime + ReminderPatience);
                return await EndAsync(context, input, stop, new DunningOutput(DunningOutcomes.Downgraded, sent, failed, attempt, lastProblem), SagaOutcome.Completed);
            }

            if (downgraded.Stopped!.Kind == StepStopKind.Refused)
            {
                // payments does not know the subscription: nothing can be downgraded, and retrying cannot change that.
                return await EndAsync(context, input, stop, new DunningOutput(DunningOutcomes.Failed, sent, failed, attempt, downgraded.Stopped.Reason), SagaOutcome.Failed);
            }

            // Compensation: record it, wait on a durable timer and try again; a payment arriving meanwhile still wins.
            lastProblem = $"the downgrade failed ({downgraded.Stopped.Reason}); attempt {attempt + 1} at {context.CurrentUtcDateTime.AddSeconds(input.DowngradeRetrySeconds):HH:mm:ss} UTC";
            context.SetCustomStatus(new DunningProgress(DunningSteps.Downgrade, input.GraceUntil, sent, null, lastProblem));
            if (await RecoveredBeforeAsync(context, recovered, context.CurrentUtcDateTime.AddSeconds(input.DowngradeRetrySeconds), stop.Token))
            {
                return await RecoveredAsync(context, input, steps, stop, sent, failed);
            }
        }
    }

    /// <summary>Waits until <paramref name="until"/> unless the payment-recovered event comes first.</summary>
    private static async Task<bool> RecoveredBeforeAsync(WorkflowContext context, Task<PaymentRecovered> recovered, DateTime until, CancellationToken stop)
    {
        if (recovered.IsCompleted)
        {
            return true;
        }

        if (until <= context.CurrentUtcDateTime)
        {
            return false;
        }

        using var timerStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var timer = context.CreateTimer(until, timerStop.Token);
        var first = await Task.WhenAny(recovered, timer);
        if (first == recovered)
        {
            timerStop.Cancel();
            return true;
        }

        return false;
    }

    private static async Task<DunningOutput> RecoveredAsync(WorkflowContext context, DunningInput input, SagaSteps steps, CancellationTokenSource stop, int sent, int failed)
    {
        context.SetCustomStatus(new DunningProgress(DunningSteps.NotifyRecovered, input.GraceUntil, sent));
        await NotifyAsync(context, steps, new DunningNotice(input.OwnerId, DunningNoticeKinds.Recovered, DunningSteps.NotifyRecovered, input.GraceUntil, 0, null), context.CurrentUtcDateTime + ReminderPatience);
        return await EndAsync(context, input, stop, new DunningOutput(DunningOutcomes.Recovered, sent, failed, 0, null), SagaOutcome.Completed);
    }

    /// <summary>A notice is worth retrying for a while, but never worth stopping the saga for.</summary>
    private static async Task<bool> NotifyAsync(WorkflowContext context, SagaSteps steps, DunningNotice notice, DateTime deadline)
    {
        var step = new SagaStep(notice.Step, nameof(SendDunningNoticeActivity), "notifications");
        var cappedDeadline = deadline < context.CurrentUtcDateTime + ReminderPatience ? deadline : context.CurrentUtcDateTime + ReminderPatience;
        var run = await steps.RunAsync<ServiceSteps.StepDone>(step, notice, cappedDeadline);
        return run.Completed;
    }

    private static async Task<DunningOutput> EndAsync(WorkflowContext context, DunningInput input, CancellationTokenSource stop, DunningOutput output, SagaOutcome outcome)
    {
        // The recovery wait is no longer needed.
        stop.Cancel();
        context.SetCustomStatus(new DunningProgress(DunningSteps.Done, input.GraceUntil, output.RemindersSent, null, output.Reason));
        await SagaOutcomes.RecordAsync(context, nameof(SubscriptionDunningWorkflow), outcome, output.Outcome);
        return output;
    }
}
