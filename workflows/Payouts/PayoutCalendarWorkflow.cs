using Dapr.Workflow;

namespace DaprPlatform.Workflows.Payouts;

/// <summary>
/// The durable payout schedule (ADR 0025): one long-running instance (<see cref="InstanceId"/>) that sleeps on a durable
/// timer until the end of the current period, starts that period's TutorPayout sagas (StartDuePayouts: one per tutor
/// payments names, each skipped if it exists), and continues as new for the next period, so its history stays one
/// period long. Timers live in the sidecar's state, so a restart of this app or of the sidecar resumes the wait; a
/// wake-up that comes late (the app was down past a period's end) starts that period's sagas then.
/// </summary>
public sealed class PayoutCalendarWorkflow : Workflow<PayoutCalendarInput, object?>
{
    public const string InstanceId = "payout-calendar";

    public override async Task<object?> RunAsync(WorkflowContext context, PayoutCalendarInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var length = TimeSpan.FromSeconds(input.PeriodSeconds);
        context.SetCustomStatus(new PayoutCalendarProgress(input.NextPeriodEnd, null, 0));
        if (context.CurrentUtcDateTime < input.NextPeriodEnd)
        {
            await context.CreateTimer(input.NextPeriodEnd, CancellationToken.None);
        }

        var period = new DuePeriod(input.NextPeriodEnd - length, input.NextPeriodEnd);
        var started = await context.CallActivityAsync<DuePayoutsStarted>(
            nameof(StartDuePayoutsActivity), period, new WorkflowTaskOptions(new WorkflowRetryPolicy(maxNumberOfAttempts: 10, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1))));

        // The next wake-up is the end of the period now running: after a long outage, the missed periods are not replayed
        // one by one — their earnings are unsettled and the next period's payouts pay them.
        var next = PayoutPeriod.Containing(context.CurrentUtcDateTime, length).End;
        context.SetCustomStatus(new PayoutCalendarProgress(next, period.PeriodEnd, started.Started));
        context.ContinueAsNew(new PayoutCalendarInput(input.PeriodSeconds, next), preserveUnprocessedEvents: false);
        return null;
    }
}
